# Golden cases: one ctest "case/NAME" per tests/cases/NAME.sdme file or
# tests/cases/NAME/ root tree, each run by sdme-case-runner against the real
# generator (see tests/case_runner.cc for the case format); the runner's own
# self-test cases, which must fail; and the check that every [Container] key
# has a case and a man page entry; and systemd-analyze verify of the static
# units sdme-import@.service and sdme-pod@.service. All carry the label "golden".
# Included from tests/CMakeLists.txt.

set(SDME_CASES_DIR "${CMAKE_CURRENT_LIST_DIR}/cases")
set(SDME_CASE_RUNNER_SELFTEST_DIR "${CMAKE_CURRENT_LIST_DIR}/case_runner_selftest")
get_filename_component(SDME_MAN_PAGE "${CMAKE_CURRENT_LIST_DIR}/../man/sdme.sdme.5" ABSOLUTE)

add_executable(sdme-case-runner
  "${CMAKE_CURRENT_LIST_DIR}/case_runner.cc"
  "${CMAKE_CURRENT_LIST_DIR}/case_assertions.cc"
  "${CMAKE_CURRENT_LIST_DIR}/case_file.cc"
  "${CMAKE_CURRENT_LIST_DIR}/case_process.cc"
  "${CMAKE_CURRENT_LIST_DIR}/case_unit_text.cc")
target_link_libraries(sdme-case-runner PRIVATE sdme_generator_lib)
# The cases run these programs, so building the runner builds them too.
add_dependencies(sdme-case-runner sdme-generator sdme-overlay sdme-dns)
# Every unit runs sdme-provision, and systemd-analyze verify wants each
# ExecStartPre= program to be executable. Until the helper is part of the
# tree, a stand-in that refuses to run takes its place in the build's
# helper directory; the cases only read the units.
if(TARGET sdme-provision)
  add_dependencies(sdme-case-runner sdme-provision)
else()
  file(GENERATE OUTPUT "${SDME_BUILD_HELPER_DIR}/sdme-provision"
    CONTENT "#!/bin/sh\necho 'sdme-provision: not built in this tree' >&2\nexit 1\n"
    FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                     WORLD_READ WORLD_EXECUTE)
endif()

add_executable(sdme-key-coverage
  "${CMAKE_CURRENT_LIST_DIR}/key_coverage.cc"
  "${CMAKE_CURRENT_LIST_DIR}/case_unit_text.cc")
target_link_libraries(sdme-key-coverage PRIVATE sdme_generator_lib)

# A copy of the static units that finds sdme-import where the build puts it:
# systemd-analyze verify checks that ExecStart= is executable.
set(SDME_TEST_UNIT_DIR "${PROJECT_BINARY_DIR}/tests/units")
set(SDME_TEST_IMPORT_HELPER_DIR "${SDME_BUILD_HELPER_DIR}")
add_dependencies(sdme-case-runner sdme-import sdme-pod sdme-app)
set(SDME_IMPORT_UNIT_SOURCE "${PROJECT_SOURCE_DIR}/units/sdme-import@.service.in")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${SDME_IMPORT_UNIT_SOURCE}")
file(READ "${SDME_IMPORT_UNIT_SOURCE}" SDME_IMPORT_UNIT_TEXT)
string(REPLACE "@SDME_HELPER_DIR@" "${SDME_TEST_IMPORT_HELPER_DIR}" SDME_IMPORT_UNIT_TEXT
  "${SDME_IMPORT_UNIT_TEXT}")
file(GENERATE OUTPUT "${SDME_TEST_UNIT_DIR}/sdme-import@.service" CONTENT "${SDME_IMPORT_UNIT_TEXT}")
set(SDME_POD_UNIT_SOURCE "${PROJECT_SOURCE_DIR}/units/sdme-pod@.service.in")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${SDME_POD_UNIT_SOURCE}")
file(READ "${SDME_POD_UNIT_SOURCE}" SDME_POD_UNIT_TEXT)
string(REPLACE "@SDME_HELPER_DIR@" "${SDME_TEST_IMPORT_HELPER_DIR}" SDME_POD_UNIT_TEXT
  "${SDME_POD_UNIT_TEXT}")
file(GENERATE OUTPUT "${SDME_TEST_UNIT_DIR}/sdme-pod@.service" CONTENT "${SDME_POD_UNIT_TEXT}")

set(SDME_CASE_RUNNER_COMMAND
  $<TARGET_FILE:sdme-case-runner>
  --generator $<TARGET_FILE:sdme-generator>
  --helper-dir "${SDME_BUILD_HELPER_DIR}"
  --systemd-unit-dir "${SYSTEMD_UNIT_DIR}"
  --static-unit-dir "${SDME_TEST_UNIT_DIR}")

# Cases are NAME.sdme files and NAME/ directories (NAME.sdme.d/ drop-in
# directories and NAME.expected/ whole-output trees belong to a case).
function(sdme_add_golden_cases directory test_prefix)
  file(GLOB entries LIST_DIRECTORIES true CONFIGURE_DEPENDS "${directory}/*")
  list(SORT entries)
  foreach(entry IN LISTS entries)
    get_filename_component(file_name "${entry}" NAME)
    if(IS_DIRECTORY "${entry}")
      if(file_name MATCHES "\\.sdme\\.d$" OR file_name MATCHES "\\.expected$")
        continue()
      endif()
      set(case_name "${file_name}")
    elseif(file_name MATCHES "^(.+)\\.sdme$")
      set(case_name "${CMAKE_MATCH_1}")
    else()
      continue()
    endif()
    add_test(NAME "${test_prefix}/${case_name}" COMMAND ${SDME_CASE_RUNNER_COMMAND} ${ARGN} "${entry}")
    set_tests_properties("${test_prefix}/${case_name}" PROPERTIES LABELS golden)
  endforeach()
endfunction()

sdme_add_golden_cases("${SDME_CASES_DIR}" case)
sdme_add_golden_cases("${SDME_CASE_RUNNER_SELFTEST_DIR}" case-runner-must-fail --expect-failure)
# Self-tests that fail in a check they do not name, or name none, must not
# count as shown: the runner reports them, and these ctests expect that.
sdme_add_golden_cases("${CMAKE_CURRENT_LIST_DIR}/case_runner_misnamed" case-runner-misnamed
  --expect-failure)
set_tests_properties(case-runner-misnamed/fails-elsewhere PROPERTIES
  PASS_REGULAR_EXPRESSION "the self-test failed in 'assert-key-is', which it does not name")
set_tests_properties(case-runner-misnamed/names-nothing PROPERTIES
  PASS_REGULAR_EXPRESSION "names no check that must fail; add '## must-fail-in CHECK'")

add_test(NAME golden-key-coverage
  COMMAND sdme-key-coverage "${SDME_CASES_DIR}" "${SDME_MAN_PAGE}")
set_tests_properties(golden-key-coverage PROPERTIES LABELS golden)

# The static unit, through an instance as systemd-analyze verifies templates,
# must pass without a word; and the installed copy must differ from the
# tested one only in the helper directory.
add_test(NAME static-unit-sdme-import
  COMMAND "${CMAKE_COMMAND}"
          "-DSYSTEMD_ANALYZE=systemd-analyze"
          "-DTESTED_UNIT=${SDME_TEST_UNIT_DIR}/sdme-import@.service"
          "-DTESTED_HELPER_DIR=${SDME_TEST_IMPORT_HELPER_DIR}"
          "-DINSTALLED_UNIT=${PROJECT_BINARY_DIR}/units/sdme-import@.service"
          "-DINSTALLED_HELPER_DIR=${SDME_HELPER_DIR}"
          -P "${CMAKE_CURRENT_LIST_DIR}/verify_static_unit.cmake")
set_tests_properties(static-unit-sdme-import PROPERTIES LABELS golden)
add_test(NAME static-unit-sdme-pod
  COMMAND "${CMAKE_COMMAND}"
          "-DSYSTEMD_ANALYZE=systemd-analyze"
          "-DTESTED_UNIT=${SDME_TEST_UNIT_DIR}/sdme-pod@.service"
          "-DTESTED_HELPER_DIR=${SDME_TEST_IMPORT_HELPER_DIR}"
          "-DINSTALLED_UNIT=${PROJECT_BINARY_DIR}/units/sdme-pod@.service"
          "-DINSTALLED_HELPER_DIR=${SDME_HELPER_DIR}"
          -P "${CMAKE_CURRENT_LIST_DIR}/verify_static_unit.cmake")
set_tests_properties(static-unit-sdme-pod PROPERTIES LABELS golden)
