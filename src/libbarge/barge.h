/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#define __BARGE_H_INSIDE__

#include "barge-version.h"
#include "barge-enums.h"
#include "barge-enum-types.h"
#include "barge-error.h"
#include "barge-progress.h"
#include "barge-file.h"
#include "barge-job.h"
#include "barge-job-upload.h"
#include "barge-client.h"

#undef __BARGE_H_INSIDE__
