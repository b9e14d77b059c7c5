# sdme_add_tests(TARGET SOURCES file... LIBRARIES lib... [LABEL label]
#                [ROOT_SUITES suite...] [SERIAL])
#
# One GoogleTest binary per module, linking only that module and what it
# uses, so a test that reaches into another module fails to link: the tests
# enforce the layering. Tests carry LABEL (default "unit"); the suites named
# in ROOT_SUITES mount, chown or make device nodes, skip themselves when not
# run as root, and carry the label "root" as well, so
# `ctest -L root` and `ctest -LE root` split the two.
function(sdme_add_tests target)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "SERIAL" "LABEL" "SOURCES;LIBRARIES;ROOT_SUITES")
  if(NOT ARG_LABEL)
    set(ARG_LABEL unit)
  endif()
  add_executable(${target} ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE ${ARG_LIBRARIES} sdme_test_support GTest::gtest_main)
  set(properties)
  if(ARG_SERIAL)
    list(APPEND properties RUN_SERIAL TRUE)
  endif()
  if(ARG_ROOT_SUITES)
    list(TRANSFORM ARG_ROOT_SUITES APPEND ".*" OUTPUT_VARIABLE patterns)
    string(JOIN ":" root_filter ${patterns})
    gtest_discover_tests(${target} TEST_FILTER "${root_filter}" TEST_LIST ${target}_ROOT_TESTS
      DISCOVERY_TIMEOUT 30 PROPERTIES LABELS "${ARG_LABEL}" ${properties})
    gtest_discover_tests(${target} TEST_FILTER "-${root_filter}" DISCOVERY_TIMEOUT 30
      PROPERTIES LABELS "${ARG_LABEL}" ${properties})
    # gtest_discover_tests flattens a list in PROPERTIES, so a second label
    # is added by a script ctest reads after the discovered tests.
    set(label_script "${CMAKE_CURRENT_BINARY_DIR}/${target}_root_labels.cmake")
    file(WRITE "${label_script}"
      "foreach(test IN LISTS ${target}_ROOT_TESTS)\n"
      "  set_tests_properties(\"\${test}\" PROPERTIES LABELS \"${ARG_LABEL};root\")\n"
      "endforeach()\n")
    set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${label_script}")
  else()
    gtest_discover_tests(${target} DISCOVERY_TIMEOUT 30 PROPERTIES LABELS "${ARG_LABEL}" ${properties})
  endif()
endfunction()
