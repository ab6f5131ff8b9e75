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
