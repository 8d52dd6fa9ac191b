#!/bin/sh
# STAND-IN for VirtualBox's VBoxManage: VirtualBox cannot run on the test machines (no hardware
# virtualisation, no package). It answers the commands PkgBuild.Sdk uses with output laid out as
# VirtualBox 6.1.20's VBoxManage prints it (transcribed from its source: VBoxManageInfo.cpp,
# VBoxManageSnapshot.cpp, VBoxManageMisc.cpp, VBoxManageControlVM.cpp; error text from
# Main/glue/errorprint.cpp), driven by files beside this script:
#   vms        the `list vms` output          state      the VM's VMState value
#   snapshots  `snapshot list --machinereadable` output, or empty for none
#   calls      every call, one per line, appended
dir=$(dirname "$0")
printf '%s\n' "$*" >> "$dir/calls"
registered() { grep -q "^\"$1\" {" "$dir/vms"; }
not_found() {
  echo "VBoxManage: error: Could not find a registered machine named '$1'" >&2
  echo "VBoxManage: error: Details: code VBOX_E_OBJECT_NOT_FOUND (0x80bb0001), component VirtualBoxWrap, interface IVirtualBox, callee nsISupports" >&2
  echo "VBoxManage: error: Context: \"FindMachine(Bstr(VMNameOrUuid).raw(), machine.asOutParam())\" at line 2726 of file VBoxManageInfo.cpp" >&2
  exit 1
}
progress() { echo "0%...10%...20%...30%...40%...50%...60%...70%...80%...90%...100%" >&2; }
case "$1" in
  --version) echo "6.1.20r143896" ;;
  list) cat "$dir/vms" ;;
  showvminfo)
    registered "$2" || not_found "$2"
    echo "name=\"$2\""
    echo 'groups="/"'
    echo 'ostype="Ubuntu_64"'
    echo 'UUID="5f7a8c2e-3b1d-4e6f-9a0b-1c2d3e4f5a6b"'
    echo "VMState=\"$(cat "$dir/state")\""
    echo 'VMStateChangeTime="2026-11-25T10:00:00.000000000"' ;;
  snapshot)
    registered "$2" || not_found "$2"
    case "$3" in
      list)
        if [ -s "$dir/snapshots" ]; then cat "$dir/snapshots"; else echo "This machine does not have any snapshots"; exit 1; fi ;;
      restore)
        if ! grep -q "^SnapshotName[-0-9]*=\"$4\"\$" "$dir/snapshots"; then
          echo "VBoxManage: error: Could not find a snapshot named '$4'" >&2
          exit 1
        fi
        echo "Restoring snapshot '$4' (0b7d9f51-2c3a-4d5e-8f60-718293a4b5c6)"
        progress
        echo poweroff > "$dir/state" ;;
    esac ;;
  startvm)
    registered "$2" || not_found "$2"
    if [ "$(cat "$dir/state")" = running ]; then
      echo "VBoxManage: error: The machine '$2' is already locked by a session (or being locked or unlocked)" >&2
      exit 1
    fi
    echo "Waiting for VM \"$2\" to power on..."
    echo running > "$dir/state"
    echo "VM \"$2\" has been successfully started." ;;
  controlvm)
    registered "$2" || not_found "$2"
    if [ "$(cat "$dir/state")" != running ] && [ "$(cat "$dir/state")" != paused ]; then
      echo "VBoxManage: error: Machine '$2' is not currently running" >&2
      exit 1
    fi
    progress
    echo poweroff > "$dir/state" ;;
  *) echo "VBoxManage stand-in: unsupported: $*" >&2; exit 2 ;;
esac
