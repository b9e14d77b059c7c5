# Run by ctest as "cmake -P" (see golden.cmake): systemd-analyze verify of a
# static template unit must exit 0 and print nothing, and the installed copy
# must be the tested one with another helper directory.
#
#   -DSYSTEMD_ANALYZE=PATH -DTESTED_UNIT=FILE -DTESTED_HELPER_DIR=DIR
#   -DINSTALLED_UNIT=FILE -DINSTALLED_HELPER_DIR=DIR

# A template is verified through its instance "i" (systemd 252 does that for
# a file named NAME@.service), so %i and the conditions are checked too.
execute_process(
  COMMAND "${SYSTEMD_ANALYZE}" verify --man=no "${TESTED_UNIT}"
  RESULT_VARIABLE result
  OUTPUT_VARIABLE output
  ERROR_VARIABLE output)
if(NOT result EQUAL 0 OR NOT output STREQUAL "")
  message(FATAL_ERROR "systemd-analyze verify ${TESTED_UNIT} exited with ${result}:\n${output}")
endif()

file(READ "${TESTED_UNIT}" tested)
file(READ "${INSTALLED_UNIT}" installed)
string(REPLACE "${INSTALLED_HELPER_DIR}/" "${TESTED_HELPER_DIR}/" installed_for_test "${installed}")
if(NOT installed_for_test STREQUAL tested)
  message(FATAL_ERROR "${INSTALLED_UNIT} differs from ${TESTED_UNIT} in more than the helper "
                      "directory:\n--- installed ---\n${installed}--- tested ---\n${tested}")
endif()
string(FIND "${installed}" "@SDME_" unreplaced)
if(NOT unreplaced EQUAL -1)
  message(FATAL_ERROR "${INSTALLED_UNIT} still holds a @SDME_...@ placeholder")
endif()
message(STATUS "${TESTED_UNIT} passes systemd-analyze verify")
