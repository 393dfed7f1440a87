/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "barged-bus-job.h"
#include "barged-job.h"

G_BEGIN_DECLS

/* How the engine's values look on D-Bus: the properties of the Job and
 * File interfaces, each built from the engine when asked (nothing is kept,
 * so nothing goes stale), which engine notification changes it, and how a
 * client's write reaches the engine. */

typedef GVariant *(*BargedBusGetFunc) (BargedJob *job, BargedBusJob *bus_job);
typedef gboolean (*BargedBusSetFunc) (BargedJob *job, GVariant *value, GError **error);

typedef struct {
  const char *name;
  BargedJobProp source;       /* the notification that changes it; 0: constant */
  gboolean coalesced;         /* progress: at most once per MinimumNotificationInterval */
  gboolean invalidates;       /* sent as invalidated, without its value */
  BargedBusGetFunc get;
  BargedBusSetFunc set;       /* NULL: read-only */
} BargedBusJobProperty;

#define BARGED_BUS_JOB_N_PROPERTIES 43

const BargedBusJobProperty *barged_bus_job_property (guint index);
/* The index of the Job property @name, or -1. */
gint barged_bus_job_property_lookup (const char *name);
/* The bits (1 << index) of the properties engine notification @source
 * changes, and of those that are coalesced. */
guint64 barged_bus_job_properties_of (guint source);
guint64 barged_bus_job_coalesced_mask (void);

/* Error (ssss), for the property and the Failed signal. */
GVariant *barged_bus_job_error (BargedJob *job, BargedBusJob *bus_job);

/* The File interface. */
#define BARGED_BUS_FILE_DIRTY_PROGRESS (1 << 0)   /* Progress, HasRestarted, HasResponseChanged */
#define BARGED_BUS_FILE_DIRTY_TEMPORARY (1 << 1)  /* TemporaryPath */
#define BARGED_BUS_FILE_DIRTY_URLS (1 << 2)       /* RemoteUrl, FinalUrl */

GVariant *barged_bus_file_progress (BargedFile *file);

G_END_DECLS
