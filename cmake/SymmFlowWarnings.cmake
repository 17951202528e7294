# SPDX-License-Identifier: MIT
# symmflow_warnings(<target>): the project's warning set, applied per target.
function(symmflow_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wno-unused-parameter)
endfunction()
