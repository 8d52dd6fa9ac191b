# Sourced by the scripts that serve a git repository for a build (eng/quickstart.sh, samples' run.sh).
# start_git_daemon DIR FIRST LAST: serves DIR's repositories with `git daemon` on 127.0.0.1, on the first
# free port from FIRST to LAST (git daemon exits at once when its port is taken); sets daemon_pid and
# daemon_port, and stops the daemon by its PID when the script exits (stop_git_daemon, trapped on EXIT:
# a script with more to stop traps a function that calls it too).
start_git_daemon() {
  local repos=$1 first=$2 last=$3 port
  daemon_pid=
  for port in $(seq "$first" "$last"); do
    # git-daemon itself, not the `git daemon` wrapper: the wrapper passes one signal on to the daemon, so
    # after a Ctrl+C (which the daemon ignores) killing the wrapper would leave the daemon running.
    "$(git --exec-path)/git-daemon" --reuseaddr --export-all --base-path="$repos" --listen=127.0.0.1 --port="$port" "$repos" &
    daemon_pid=$!
    sleep 0.3
    if kill -0 "$daemon_pid" 2>/dev/null; then
      daemon_port=$port
      trap stop_git_daemon EXIT
      return 0
    fi
    daemon_pid=
  done
  echo "$(basename "$0"): could not start git daemon on 127.0.0.1 (ports $first-$last taken?)" >&2
  return 1
}

stop_git_daemon() {
  if [ -n "${daemon_pid:-}" ]; then
    kill "$daemon_pid" 2>/dev/null || true
    wait "$daemon_pid" 2>/dev/null || true
    daemon_pid=
  fi
}
