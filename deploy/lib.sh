# Shared helpers for the deploy/ scripts. Sourced, never run.
# shellcheck shell=bash

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PATH="/opt/swift/usr/bin:$PATH"
APT_PACKAGES=(libfcgi-dev spawn-fcgi nginx postgresql libpq-dev libargon2-dev curl jq python3 python3-yaml ca-certificates)
WORKER_USER=${FRONTDESK_USER:-frontdesk}

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# These scripts install packages, start services, create users and write under /run: they run as
# root (sudo deploy/up). Said once, up front, rather than failing half-way.
require_root() {
    [ "$(id -u)" -eq 0 ] || die "run this as root, for example: sudo $0 $*"
}


# Installs the Debian packages that are missing; a no-op when all are there.
install_packages() {
    local missing=()
    for package in "${APT_PACKAGES[@]}" "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "installing ${missing[*]}"
    env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Starts the local PostgreSQL cluster if it is not running and waits until it accepts connections.
start_postgres() {
    local version
    version=$(ls /etc/postgresql 2>/dev/null | sort -n | tail -n 1)
    [ -n "$version" ] || die "no PostgreSQL cluster found under /etc/postgresql"
    if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" && $4 == "online"' | grep -q .; then
        log "starting PostgreSQL $version"
        pg_ctlcluster "$version" main start
    fi
    for _ in $(seq 1 30); do
        pg_isready -q -h 127.0.0.1 && return 0
        sleep 1
    done
    die "PostgreSQL did not become ready"
}

# Runs SQL as the postgres superuser.
psql_admin() {
    runuser -u postgres -- psql -v ON_ERROR_STOP=1 -qAt "$@"
}

# env_secret NAME BYTES: the local secret NAME from the git-ignored .env, made once (BYTES random
# bytes as hex) and reused after. An empty or missing value is replaced by a new random one (an
# empty database password would clear the role's; an empty signing key is refused).
env_secret() {
    local name=$1 bytes=$2 env_file="$REPO_DIR/.env" value=""
    [ -f "$env_file" ] && value=$(sed -n "s/^$name=//p" "$env_file" | tail -n 1)
    if [ -z "$value" ]; then
        value=$(head -c "$bytes" /dev/urandom | od -An -tx1 | tr -d ' \n')
        touch "$env_file"
        sed -i "/^$name=/d" "$env_file"
        [ -s "$env_file" ] && [ -n "$(tail -c 1 "$env_file")" ] && echo >>"$env_file"
        printf '%s=%s\n' "$name" "$value" >>"$env_file"
        chmod 600 "$env_file"
    fi
    printf '%s\n' "$value"
}

# The development database password (.env's FRONTDESK_DB_PASSWORD).
database_password() {
    env_secret FRONTDESK_DB_PASSWORD 24
}

# The local token-signing secret (.env's FRONTDESK_JWT_SECRET, 48 random bytes as hex), exported
# for the workers, which refuse to start without one.
export_jwt_secret() {
    FRONTDESK_JWT_SECRET=$(env_secret FRONTDESK_JWT_SECRET 48)
    export FRONTDESK_JWT_SECRET
}

# The release build every script makes (deploy/up, install, upgrade, test, bench/run): the Swift
# runtime linked in (no toolchain libraries at run time), linked by lld with packed relative
# relocations (2 MB of relocation records become 30 kB) and the functions a worker runs placed
# together in the order of deploy/link-order.txt (bench/link-order makes it), so that a worker
# keeps ~5 MB of code resident instead of ~11. Extra arguments go to swift build.
build_release() {
    swift build -c release --static-swift-stdlib -Xswiftc -use-ld=lld \
        -Xlinker -z -Xlinker pack-relative-relocs \
        -Xlinker --symbol-ordering-file="$REPO_DIR/deploy/link-order.txt" -Xlinker --no-warn-symbol-ordering "$@"
}

# The environment the supervisor gives its workers unless the operator set it (Supervisor.swift),
# one VAR=VALUE a line for env(1): bench/callgrind's worker and the benchmarks' ceiling get it too.
worker_environment() {
    printf '%s\n' "GLIBC_TUNABLES=${GLIBC_TUNABLES:-glibc.malloc.tcache_count=64}" \
        "GNUTLS_NO_IMPLICIT_INIT=${GNUTLS_NO_IMPLICIT_INIT:-1}"
}

# build_ceiling OUT: the benchmarks' ceiling worker (bench/ceiling/ceiling.c) built into OUT.
build_ceiling() {
    install_packages gcc
    gcc -O2 -Wall -o "$1" "$REPO_DIR/bench/ceiling/ceiling.c" -I"$(pg_config --includedir)" -lfcgi -lpq
}

# Creates (or updates) the role NAME and the database NAME owned by it, with PASSWORD (default:
# the development one in .env); prints its URL.
# deploy/up uses "frontdesk", deploy/test "frontdesk_test", so tests never touch the dev stack's role.
ensure_database() {
    local name=$1 password=${2:-}
    [ -n "$password" ] || password=$(database_password)
    psql_admin -c "DO \$\$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$name') THEN CREATE ROLE $name LOGIN; END IF;
        END \$\$;" >/dev/null
    psql_admin -c "ALTER ROLE $name PASSWORD '$password'" >/dev/null
    if [ -z "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$name'")" ]; then
        log "creating database $name"
        psql_admin -c "CREATE DATABASE $name OWNER $name" >/dev/null
    fi
    printf 'postgresql://%s:%s@127.0.0.1:5432/%s\n' "$name" "$password" "$name"
}

# The unprivileged user the workers run as.
ensure_worker_user() {
    id -u "$WORKER_USER" >/dev/null 2>&1 && return 0
    log "creating system user $WORKER_USER"
    useradd --system --no-create-home --shell /usr/sbin/nologin "$WORKER_USER"
}

# Writes RUN_DIR/nginx.conf from nginx/local.conf.template and (re)starts that nginx.
start_nginx() {
    local run_dir=$1 port=$2 socket=$3
    mkdir -p "$run_dir/log" "$run_dir/nginx-temp"
    render_docs "$run_dir/docs"
    sed -e "s|@PORT@|$port|g" -e "s|@SOCKET@|$socket|g" -e "s|@RUN_DIR@|$run_dir|g" -e "s|@REPO_DIR@|$REPO_DIR|g" \
        "$REPO_DIR/nginx/local.conf.template" >"$run_dir/nginx.conf"
    stop_nginx "$run_dir"
    nginx -t -q -c "$run_dir/nginx.conf" -p "$run_dir"
    nginx -c "$run_dir/nginx.conf" -p "$run_dir"
}

# render_docs DIR: the API's openapi.json and its /docs page, from docs/openapi.yaml, for nginx.
render_docs() {
    "$REPO_DIR/docs/render" "$1"
    chmod 755 "$1"
}

# Stops the nginx started by start_nginx for RUN_DIR, if it runs.
stop_nginx() {
    local run_dir=$1 pid
    [ -f "$run_dir/nginx.pid" ] || return 0
    pid=$(cat "$run_dir/nginx.pid")
    if kill -0 "$pid" 2>/dev/null; then
        kill -QUIT "$pid"
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -f "$run_dir/nginx.pid"
}

# Waits until URL answers 200.
wait_for_http() {
    local url=$1
    for _ in $(seq 1 50); do
        [ "$(curl -s -o /dev/null -w '%{http_code}' "$url")" = 200 ] && return 0
        sleep 0.2
    done
    die "$url did not answer 200"
}

# Whether systemd manages this machine (a VPS: yes; a container: usually not).
has_systemd() {
    [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1
}

# service_do ACTION: start, stop, restart or reload the installed frontdesk service, through
# systemd when it runs, else by running the unit's commands directly (containers, CI).
service_do() {
    if has_systemd; then
        systemctl "$1" frontdesk
        return
    fi
    local pool=/opt/frontdesk/deploy/pool
    set -a
    # shellcheck disable=SC1091
    source /etc/frontdesk/frontdesk.env
    set +a
    case "$1" in
        start) "$pool" start --run-dir /run/frontdesk --binary /opt/frontdesk/bin/frontdesk ;;
        stop) "$pool" stop --run-dir /run/frontdesk ;;
        restart) "$pool" stop --run-dir /run/frontdesk; "$pool" start --run-dir /run/frontdesk --binary /opt/frontdesk/bin/frontdesk ;;
        reload) "$pool" reload --run-dir /run/frontdesk --binary /opt/frontdesk/bin/frontdesk ;;
    esac
}

# Reloads the system nginx, starting it if it is not running.
system_nginx_reload() {
    nginx -t -q
    if has_systemd; then
        systemctl reload-or-restart nginx
    elif [ -f /run/nginx.pid ] && kill -0 "$(cat /run/nginx.pid)" 2>/dev/null; then
        nginx -s reload
    else
        nginx
    fi
}

# install_files BINARY: copies the binary, migrations, deploy scripts and nginx files to /opt/frontdesk.
install_files() {
    install -d -m 755 /opt/frontdesk/bin /opt/frontdesk/sql /opt/frontdesk/deploy/systemd /opt/frontdesk/nginx
    # By rename, so running workers keep their inode.
    install -m 755 "$1" /opt/frontdesk/bin/frontdesk.new
    mv -f /opt/frontdesk/bin/frontdesk.new /opt/frontdesk/bin/frontdesk
    install -m 644 "$REPO_DIR"/sql/*.sql /opt/frontdesk/sql/
    install -m 755 "$REPO_DIR"/deploy/pool "$REPO_DIR"/deploy/smoke /opt/frontdesk/deploy/
    install -m 644 "$REPO_DIR"/deploy/lib.sh /opt/frontdesk/deploy/
    install -m 644 "$REPO_DIR"/deploy/systemd/frontdesk.service /opt/frontdesk/deploy/systemd/
    install -m 644 "$REPO_DIR"/nginx/frontdesk.conf "$REPO_DIR"/nginx/frontdesk-http.conf "$REPO_DIR"/nginx/frontdesk-locations.conf /opt/frontdesk/nginx/
    render_docs /opt/frontdesk/docs
}
