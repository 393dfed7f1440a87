# shellcheck shell=bash
# Shared helpers for contrib/demo and contrib/bench/*: building, a private
# nginx on 127.0.0.1, a private session bus and a barged on it.
# Source it from bash after `set -euo pipefail`; it defines functions and
# the variables noted at each, nothing runs at source time.
#
# Every wait is bounded. Processes are tracked by pid and stopped by
# barge_stop_all, which the caller runs from its EXIT trap.

# Top of the source tree (contrib/..).
BARGE_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Build directory, relative to BARGE_SRC unless absolute.
BARGE_BUILD_DIR=${BARGE_BUILD_DIR:-build}
case $BARGE_BUILD_DIR in
/*) BARGE_BUILD=$BARGE_BUILD_DIR ;;
*) BARGE_BUILD=$BARGE_SRC/$BARGE_BUILD_DIR ;;
esac

NGINX_PID=""
BUS_PID=""
BUS_ADDR=""
BARGED_PID=""

barge_say() {
	if [ -t 1 ]; then
		printf '\033[1m==> %s\033[0m\n' "$*"
	else
		printf '==> %s\n' "$*"
	fi
}

barge_die() {
	printf 'ERROR: %s\n' "$*" >&2
	exit 1
}

# barge_wait_until SECONDS COMMAND...: polls COMMAND every 0.1 s until it
# succeeds; returns 1 once SECONDS have passed.
barge_wait_until() {
	local tries=$(($1 * 10))
	shift
	while [ "$tries" -gt 0 ]; do
		if "$@"; then
			return 0
		fi
		sleep 0.1
		tries=$((tries - 1))
	done
	return 1
}

# True while PID runs (a zombie child counts as gone).
barge_pid_alive() {
	local state
	[ -n "$1" ] || return 1
	[ -r "/proc/$1/stat" ] || return 1
	state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
	[ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

barge_pid_gone() {
	! barge_pid_alive "$1"
}

# barge_stop_pid PID NAME: SIGTERM, up to 10 s, then SIGKILL; reaps it.
barge_stop_pid() {
	local pid=$1
	[ -n "$pid" ] || return 0
	if barge_pid_alive "$pid"; then
		kill -TERM "$pid" 2>/dev/null || true
		if ! barge_wait_until 10 barge_pid_gone "$pid"; then
			echo "$2 (pid $pid) ignored SIGTERM; killing it" >&2
			kill -KILL "$pid" 2>/dev/null || true
			barge_wait_until 5 barge_pid_gone "$pid" || true
		fi
	fi
	wait "$pid" 2>/dev/null || true
}

barge_stop_all() {
	barge_stop_pid "$BARGED_PID" barged
	BARGED_PID=""
	barge_stop_pid "$NGINX_PID" nginx
	NGINX_PID=""
	barge_stop_pid "$BUS_PID" dbus-daemon
	BUS_PID=""
}

# Installs the packages, configures BARGE_BUILD once and builds it.
barge_setup_and_build() {
	barge_say "Installing the build dependencies (contrib/setup)"
	"$BARGE_SRC/contrib/setup"
	if [ -f "$BARGE_BUILD/meson-private/coredata.dat" ]; then
		barge_say "Reusing the build directory $BARGE_BUILD"
	else
		barge_say "Configuring $BARGE_BUILD"
		meson setup "$BARGE_BUILD" "$BARGE_SRC"
	fi
	barge_say "Building"
	ninja -C "$BARGE_BUILD"
	[ -x "$BARGE_BUILD/src/daemon/barged" ] || barge_die "$BARGE_BUILD/src/daemon/barged was not built"
	[ -x "$BARGE_BUILD/src/tool/bargectl" ] || barge_die "$BARGE_BUILD/src/tool/bargectl was not built"
}

# Prints a TCP port that is free on 127.0.0.1 right now.
barge_free_port() {
	/usr/bin/python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# barge_http_up PORT [SCHEME]: true once something answers HTTP on PORT of
# 127.0.0.1 (SCHEME http, the default, or https: the certificate is not
# checked, this only waits for the server).
barge_http_up() {
	curl -s -k -o /dev/null --max-time 2 "${2:-http}://127.0.0.1:$1/"
}

# barge_nginx_start DIR DOCROOT EXTRA [LISTEN_EXTRA]: runs nginx in the
# foreground of a background job with all its files in DIR, serving DOCROOT
# on a free port of 127.0.0.1. EXTRA is put in the server block; LISTEN_EXTRA
# after the address of its listen directive (" ssl" or " ssl http2", for
# which EXTRA names the certificate and key). Sets NGINX_PID, NGINX_PORT.
barge_nginx_start() {
	local dir=$1 docroot=$2 extra=$3 listen_extra=${4:-} scheme=http user_line="" tries
	case $listen_extra in
	*ssl*) scheme=https ;;
	esac
	mkdir -p "$dir"
	# As root the workers would run as nobody, who may not be allowed into
	# the source tree (a clone under /root, say). Not possible as non-root.
	if [ "$(id -u)" -eq 0 ]; then
		user_line="user root root;"
	fi
	for tries in 1 2 3 4 5; do
		NGINX_PORT=$(barge_free_port)
		cat >"$dir/nginx.conf" <<-EOF
			daemon off;
			master_process on;
			worker_processes 1;
			$user_line
			pid $dir/nginx.pid;
			error_log $dir/error.log warn;
			events { worker_connections 128; }
			http {
			    access_log $dir/access.log;
			    client_body_temp_path $dir/client_body;
			    proxy_temp_path $dir/proxy;
			    fastcgi_temp_path $dir/fastcgi;
			    uwsgi_temp_path $dir/uwsgi;
			    scgi_temp_path $dir/scgi;
			    default_type application/octet-stream;
			    server {
			        listen 127.0.0.1:$NGINX_PORT$listen_extra;
			        root $docroot;
			        $extra
			    }
			}
		EOF
		nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" >"$dir/nginx.out" 2>&1 &
		NGINX_PID=$!
		if barge_wait_until 10 barge_http_up "$NGINX_PORT" "$scheme"; then
			return 0
		fi
		# Lost the race for the port, or a real failure: look and retry.
		barge_stop_pid "$NGINX_PID" nginx
		NGINX_PID=""
		cat "$dir/nginx.out" "$dir/error.log" >&2 2>/dev/null || true
		echo "nginx did not come up on port $NGINX_PORT (attempt $tries)" >&2
	done
	barge_die "could not start nginx"
}

barge_bus_addr_ready() {
	[ -s "$1" ] && [ "$(tail -c1 "$1" | od -An -c | tr -d ' ')" = '\n' ]
}

# barge_bus_start DIR: a private session dbus-daemon listening in DIR.
# Sets BUS_PID and BUS_ADDR.
barge_bus_start() {
	local dir=$1
	mkdir -p "$dir"
	: >"$dir/bus.addr"
	dbus-daemon --session --nofork --nopidfile --address="unix:dir=$dir" \
		--print-address=3 3>"$dir/bus.addr" >"$dir/bus.log" 2>&1 &
	BUS_PID=$!
	if ! barge_wait_until 10 barge_bus_addr_ready "$dir/bus.addr"; then
		cat "$dir/bus.log" >&2 || true
		barge_die "the private dbus-daemon did not start"
	fi
	BUS_ADDR=$(head -n1 "$dir/bus.addr")
}

barge_name_owned() {
	DBUS_SESSION_BUS_ADDRESS=$BUS_ADDR timeout 5 gdbus call --session \
		--dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
		--method org.freedesktop.DBus.NameHasOwner org.freedesktop.Barge1 2>/dev/null |
		grep -q true
}

# barge_barged_start STATE_DIR LOG [ARG...]: runs the build's barged on the
# private bus, with the ARGs after its own (such as --test-tls-ca=CA), and
# waits until it owns org.freedesktop.Barge1. Sets BARGED_PID. It runs with
# --verbose unless BARGED_VERBOSE is 0 (over HTTP/2, --verbose logs every
# DATA frame libsoup receives).
barge_barged_start() {
	local state=$1 log=$2 tries=100 verbose=()
	shift 2
	[ "${BARGED_VERBOSE:-1}" = 0 ] || verbose=(--verbose)
	mkdir -p "$state"
	"$BARGE_BUILD/src/daemon/barged" --session --address="$BUS_ADDR" \
		--state-dir="$state" --idle-timeout=0 "${verbose[@]}" "$@" >"$log" 2>&1 &
	BARGED_PID=$!
	while ! barge_name_owned; do
		tries=$((tries - 1))
		if ! barge_pid_alive "$BARGED_PID" || [ "$tries" -le 0 ]; then
			echo "---- barged log ($log)" >&2
			tail -n 50 "$log" >&2 || true
			barge_die "barged did not take the name org.freedesktop.Barge1"
		fi
		sleep 0.1
	done
}

# barge_cpu_ticks PID: "USER SYSTEM" CPU time of PID and its reaped
# children, in clock ticks (/proc/PID/stat fields 14 + 16 and 15 + 17).
barge_cpu_ticks() {
	local rest
	rest=$(sed 's/.*) //' "/proc/$1/stat")
	# shellcheck disable=SC2086
	set -- $rest
	echo "$((${12} + ${14})) $((${13} + ${15}))"
}
