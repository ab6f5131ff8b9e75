# What `cmake --install` puts under the prefix, besides bin/profkit:
# libanalyze.a, libanalyze.so.X.Y.Z (+ soname and dev links), the public
# headers, analyze.pc for pkg-config and the CMake package (analyzeConfig,
# analyzeConfigVersion, analyzeTargets). Every file that names a path
# finds the prefix relative to where it is installed, so `cmake --install
# --prefix X` (or DESTDIR) works for any X, not only CMAKE_INSTALL_PREFIX.
include(CMakePackageConfigHelpers)

set(AN_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/analyze)
set(AN_PC_DIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

install(TARGETS analyze analyze_shared EXPORT analyzeTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  FILE_SET HEADERS)
install(EXPORT analyzeTargets NAMESPACE analyze::
  DESTINATION ${AN_CMAKE_DIR})

configure_file(${PROJECT_SOURCE_DIR}/cmake/analyzeConfig.cmake.in
  ${PROJECT_BINARY_DIR}/analyzeConfig.cmake @ONLY)
# 0.x: the soname is libanalyze.so.0, so the package promises the same.
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/analyzeConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/analyzeConfig.cmake
  ${PROJECT_BINARY_DIR}/analyzeConfigVersion.cmake
  DESTINATION ${AN_CMAKE_DIR})

# analyze.pc: prefix is ${pcfiledir} climbed back up as many levels as
# AN_PC_DIR has (lib/pkgconfig: ../..; Debian's
# lib/x86_64-linux-gnu/pkgconfig: ../../..). An absolute libdir or
# includedir cannot be relative to the prefix: then the .pc names
# CMAKE_INSTALL_PREFIX as configured and is not relocatable.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}" OR
   IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(AN_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
  set(AN_PC_LIBDIR "${CMAKE_INSTALL_FULL_LIBDIR}")
  set(AN_PC_INCLUDEDIR "${CMAKE_INSTALL_FULL_INCLUDEDIR}")
else()
  file(RELATIVE_PATH _an_up "/_prefix/${AN_PC_DIR}" "/_prefix")
  string(REGEX REPLACE "/$" "" _an_up "${_an_up}")
  set(AN_PC_PREFIX "\${pcfiledir}/${_an_up}")
  set(AN_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
  set(AN_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
configure_file(${PROJECT_SOURCE_DIR}/cmake/analyze.pc.in
  ${PROJECT_BINARY_DIR}/analyze.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/analyze.pc DESTINATION ${AN_PC_DIR})
