# SPDX-License-Identifier: Apache-2.0
# kiln_add_library(name SRCS... [DEPENDS tgts] [LINK_COMPONENTS comps]
#                  [MLIR_LIBS libs] [LINK_LIBS libs])
# An MLIR library of Kiln's own, linked against libMLIR.so. MLIR libraries go
# through MLIR_LIBS (resolved by mlir_target_link_libraries to the dylib),
# LLVM components through LINK_COMPONENTS, Kiln libraries through LINK_LIBS.
function(kiln_add_library name)
  cmake_parse_arguments(ARG "" "" "DEPENDS;LINK_COMPONENTS;MLIR_LIBS;LINK_LIBS" ${ARGN})
  add_mlir_library(${name} ${ARG_UNPARSED_ARGUMENTS}
    EXCLUDE_FROM_LIBMLIR
    DEPENDS ${ARG_DEPENDS}
    LINK_COMPONENTS ${ARG_LINK_COMPONENTS}
    LINK_LIBS PUBLIC ${ARG_LINK_LIBS})
  if(ARG_MLIR_LIBS)
    mlir_target_link_libraries(${name} PUBLIC ${ARG_MLIR_LIBS})
  endif()
endfunction()

# kiln_add_tool(name SRCS... [MLIR_LIBS libs] [LINK_LIBS libs])
# add_mlir_tool leaves tools out of the default build out of tree, so use the
# plain LLVM executable helper.
function(kiln_add_tool name)
  cmake_parse_arguments(ARG "" "" "MLIR_LIBS;LINK_LIBS;DEPENDS" ${ARGN})
  add_llvm_executable(${name} ${ARG_UNPARSED_ARGUMENTS} DEPENDS ${ARG_DEPENDS})
  llvm_update_compile_flags(${name})
  target_link_libraries(${name} PRIVATE ${ARG_LINK_LIBS})
  if(ARG_MLIR_LIBS)
    mlir_target_link_libraries(${name} PRIVATE ${ARG_MLIR_LIBS})
  endif()
endfunction()
