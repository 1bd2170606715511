#!/usr/bin/env bash
# compile-header.sh OUT COUNTER_H OTHER_H: builds a two-file program from
# vyrec's C headers COUNTER_H (--vn counter) and OTHER_H (--vn other) with
# gcc and clang, for C99, C11, C++11, C++14, C++17 and C++20, at -Wall
# -Wextra -Werror -pedantic, and runs it. One translation unit includes both
# headers (COUNTER_H twice); the other uses the entry points and the
# requirement lists. In C++17 and later both see one array (inline
# variables). Prints one line per compiler and standard.
set -eu
out=$1 counter=$2 other=$3
mkdir -p "$out"
cat > "$out/a.c" <<C
#include "$counter"
#include "$counter"
#include "$other"
const uint32_t *counter_words_a(void);
const uint32_t *counter_words_a(void) { return counter; }
int other_magic(void);
int other_magic(void) { return other[0] == 0x07230203u; }
C
cat > "$out/b.c" <<C
#include <string.h>
#include "$counter"
const uint32_t *counter_words_a(void);
int other_magic(void);
int main(void) {
  static const char *const extensions[] = counter_requires_device_extensions;
  unsigned long words = sizeof counter / sizeof counter[0];
  if (counter[0] != 0x07230203u || !other_magic() || words < 5)
    return 1;
  if (counter_entry_point_count != 1u || strcmp(counter_entry_points[0], "main") != 0)
    return 2;
  if (extensions[counter_requires_device_extensions_count] != 0)
    return 3;
#if defined(__cplusplus) && __cplusplus >= 201703L
  if (counter_words_a() != counter) /* one definition */
    return 4;
#else
  if (counter_words_a()[0] != counter[0])
    return 4;
#endif
  return 0;
}
C
for compiler in gcc clang-14; do
  for std in c99 c11 c++11 c++14 c++17 c++20; do
    lang=c
    cc=$compiler
    case $std in c++*) lang=c++; cc=${compiler/gcc/g++}; cc=${cc/clang-14/clang++-14} ;; esac
    exe="$out/$compiler-$std"
    "$cc" -std=$std -Wall -Wextra -Werror -pedantic -x $lang "$out/a.c" -x $lang "$out/b.c" -o "$exe"
    "$exe"
    echo "$compiler -std=$std: ok"
  done
done
