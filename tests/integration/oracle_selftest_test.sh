# The oracle itself, on fixtures computed by hand (oracle.py self-test).
source "$(dirname "$0")/common.sh"
python3 "$ORACLE" self-test || fail "oracle self-test failed"
