# SPDX-License-Identifier: Apache-2.0
# cmake -DGENERATED=<dir> -DCOMMITTED=<dir> -P CheckDocs.cmake
# Fails when a committed generated doc differs from what the .td files give.
foreach(pair "KilnDialect.md:dialect.md" "KilnPasses.md:passes.md"
             "KilnConversionPasses.md:conversion-passes.md"
             "KilnCodegenPasses.md:codegen-passes.md")
  string(REPLACE ":" ";" pair "${pair}")
  list(GET pair 0 gen)
  list(GET pair 1 com)
  file(READ "${GENERATED}/${gen}" a)
  if(NOT EXISTS "${COMMITTED}/${com}")
    message(FATAL_ERROR "docs/${com} is missing: run `ninja -C build kiln-docs` and commit it")
  endif()
  file(READ "${COMMITTED}/${com}" b)
  if(NOT a STREQUAL b)
    message(FATAL_ERROR "docs/${com} is stale: run `ninja -C build kiln-docs` and commit it")
  endif()
endforeach()
message(STATUS "generated docs are up to date")
