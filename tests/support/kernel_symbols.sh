#!/bin/sh
# Usage: kernel_symbols.sh NM OBJECT...
# Each SIMD kernel object (built with its own -m flags) must define exactly one external symbol,
# its mqpasswd::pbkdf2_kernels::iterate_* function: any other (a weak std:: instantiation, an
# inline function) could be the copy the linker keeps for the whole program, and would fault on
# a CPU without that instruction set.
nm=$1
shift
status=0
for object in "$@"; do
    defined=$("$nm" --defined-only -g "$object" | awk 'NF == 3 {print $3}')
    count=$(printf '%s\n' "$defined" | grep -c .)
    if [ "$count" -ne 1 ] || ! printf '%s\n' "$defined" | grep -q '^_ZN8mqpasswd14pbkdf2_kernels.*iterate_'; then
        echo "$object defines: $defined"
        status=1
    fi
done
[ "$#" -gt 0 ] || { echo "no objects given"; status=1; }
exit $status
