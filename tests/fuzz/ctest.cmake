# SPDX-License-Identifier: MIT
# The bounded fuzz run as a ctest test. Include it from tests/CMakeLists.txt:
#   include(${PROJECT_SOURCE_DIR}/tests/fuzz/ctest.cmake)
# It builds the standalone clang project of tests/fuzz into <build>/fuzz-standalone (no
# LibTorch), writes the seed corpus and runs each fuzz target for
# SYMMFLOW_FUZZ_SECONDS; any crash or sanitizer report fails it. Without clang++ or
# libFuzzer it is skipped (exit 77).
set(SYMMFLOW_FUZZ_SECONDS 15 CACHE STRING "Seconds each fuzz target runs in the fuzz.libfuzzer test")
find_program(SYMMFLOW_BASH bash)
if(SYMMFLOW_BASH)
  add_test(NAME fuzz.libfuzzer
           COMMAND ${SYMMFLOW_BASH} ${CMAKE_CURRENT_LIST_DIR}/run_fuzzers.sh ${PROJECT_SOURCE_DIR}
                   ${CMAKE_BINARY_DIR}/fuzz-standalone ${SYMMFLOW_FUZZ_SECONDS})
  # RUN_SERIAL: it compiles with -j2 and then keeps a core busy for minutes.
  set_tests_properties(fuzz.libfuzzer PROPERTIES LABELS "fuzz;slow" SKIP_RETURN_CODE 77
                       TIMEOUT 900 RUN_SERIAL TRUE)
endif()
