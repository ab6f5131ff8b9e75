# INTERFACE target carrying the project's warning and sanitizer flags. Linked
# as $<BUILD_INTERFACE:an_warnings> so it never leaks into installed targets.
add_library(an_warnings INTERFACE)
target_compile_options(an_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes
  -Wformat=2 -Wvla -Wcast-qual -Wwrite-strings
  -Werror=implicit-function-declaration)
if(AN_WERROR)
  target_compile_options(an_warnings INTERFACE -Werror)
endif()
if(AN_SANITIZE)
  set(_an_san -fsanitize=address,undefined -fno-omit-frame-pointer
      -fno-sanitize-recover=all)
  target_compile_options(an_warnings INTERFACE ${_an_san})
  target_link_options(an_warnings INTERFACE ${_an_san})
endif()
if(AN_TSAN)
  set(_an_tsan -fsanitize=thread -fno-omit-frame-pointer)
  target_compile_options(an_warnings INTERFACE ${_an_tsan})
  target_link_options(an_warnings INTERFACE ${_an_tsan})
endif()
# libFuzzer (tests/fuzz, clang only): the library is instrumented for
# coverage (fuzzer-no-link) and checked by ASan + UBSan; each fuzz target
# links the libFuzzer driver itself (tests/fuzz/CMakeLists.txt).
if(AN_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "AN_FUZZ=ON needs clang (CC=clang)")
  endif()
  set(_an_fuzz -fsanitize=fuzzer-no-link,address,undefined
      -fno-sanitize-recover=all -fno-omit-frame-pointer -g)
  target_compile_options(an_warnings INTERFACE ${_an_fuzz})
  # the library then takes the paths that only large inputs take
  # (cpuscan.c: a trace's event array on several threads)
  target_compile_definitions(an_warnings INTERFACE AN_FUZZING)
  target_link_options(an_warnings INTERFACE -fsanitize=address,undefined)
endif()
