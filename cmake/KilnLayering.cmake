# SPDX-License-Identifier: Apache-2.0
# kiln_check_layering(): fails the configuration when a target links a layer
# above it. Dependencies point one way (docs/architecture.md):
#   support <- dialects <- compiler <- frontend <- api <- tools
# and the runtime depends on nothing of Kiln. The rule is checked on the
# transitive link closure, so an indirect link is caught as well.

# The Kiln targets `target` links, directly or not, in `out`.
function(_kiln_link_closure target out)
  set(seen)
  set(queue ${target})
  while(queue)
    list(POP_FRONT queue t)
    if(NOT TARGET ${t})
      continue()
    endif()
    get_target_property(aliased ${t} ALIASED_TARGET)
    if(aliased)
      set(t ${aliased})
    endif()
    get_target_property(libs ${t} LINK_LIBRARIES)
    get_target_property(ilibs ${t} INTERFACE_LINK_LIBRARIES)
    foreach(l IN LISTS libs ilibs)
      # $<LINK_ONLY:x> and similar wrappers name a target too.
      string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" l "${l}")
      if(TARGET ${l} AND NOT l IN_LIST seen)
        list(APPEND seen ${l})
        list(APPEND queue ${l})
      endif()
    endforeach()
  endwhile()
  set(${out} ${seen} PARENT_SCOPE)
endfunction()

# Fails when one of `targets` links one of `forbidden`, naming the rule.
function(kiln_forbid_links rule)
  cmake_parse_arguments(ARG "" "" "TARGETS;FORBIDDEN" ${ARGN})
  foreach(t IN LISTS ARG_TARGETS)
    if(NOT TARGET ${t})
      message(FATAL_ERROR "kiln_forbid_links: no target '${t}'")
    endif()
    _kiln_link_closure(${t} closure)
    foreach(f IN LISTS ARG_FORBIDDEN)
      if(f IN_LIST closure)
        message(FATAL_ERROR
          "layering: '${t}' links '${f}', but ${rule} (docs/architecture.md)")
      endif()
    endforeach()
  endforeach()
endfunction()

function(kiln_check_layering)
  set(compiler KilnDriver KilnTarget KilnRegistration KilnPipelines
               KilnCodegen KilnToLinalg)
  kiln_forbid_links("frontends never link the compiler, the runtime or the api"
    TARGETS KilnKeras KilnKerasFile KilnKerasImport KilnOnnxImport
    FORBIDDEN ${compiler} kiln_runtime KilnApi)
  kiln_forbid_links("the dialects link nothing above them"
    TARGETS KilnIR KilnTransforms
    FORBIDDEN ${compiler} KilnKeras KilnKerasImport KilnOnnxImport KilnApi kiln_runtime)
  kiln_forbid_links("the compiler never links a frontend or the api"
    TARGETS ${compiler}
    FORBIDDEN KilnKeras KilnKerasFile KilnKerasImport KilnOnnxImport KilnApi)
  kiln_forbid_links("the runtime and support depend on no other Kiln layer"
    TARGETS kiln_runtime KilnSupport
    FORBIDDEN KilnIR KilnTransforms ${compiler} KilnKeras KilnKerasImport
              KilnOnnxImport KilnApi)
endfunction()
