# SPDX-License-Identifier: Apache-2.0 (included from CMakeLists.txt)
# The Keras-like C++ API (public headers in include/kiln/keras) and the
# Keras file reader. Compiled with exceptions: the C++ API reports bad
# models by throwing kiln::Error, as Keras raises; exceptions never cross
# MLIR code (docs/keras.md).
kiln_add_library(KilnKeras PARTIAL_SOURCES_INTENDED
  Core.cpp
  Activations.cpp
  CoreLayers.cpp
  ConvLayers.cpp
  NormLayers.cpp
  Factories.cpp
  RecurrentLayers.cpp
  AttentionLayers.cpp
  ConvVariantLayers.cpp
  MoreFactories.cpp
  Emit.cpp
  ModelBuilder.cpp
  Summary.cpp
  DEPENDS KilnOpsIncGen
  LINK_LIBS KilnIR
  MLIR_LIBS MLIRIR MLIRFuncDialect
)
target_include_directories(KilnKeras PUBLIC
  $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>)
target_compile_options(KilnKeras PRIVATE -fexceptions)
if(TARGET obj.KilnKeras)
  target_compile_options(obj.KilnKeras PRIVATE -fexceptions)
  target_include_directories(obj.KilnKeras PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
endif()

# Model::exportLibrary: the Keras API plus the compiler.
kiln_add_library(KilnKerasExport PARTIAL_SOURCES_INTENDED
  Export.cpp
  LINK_LIBS KilnKeras KilnDriver KilnRegistration
  MLIR_LIBS MLIRIR
)
target_compile_options(KilnKerasExport PRIVATE -fexceptions)
target_compile_definitions(KilnKerasExport PRIVATE
  KILN_RUNTIME_ARCHIVE="$<TARGET_FILE:kiln_runtime>")
if(TARGET obj.KilnKerasExport)
  target_compile_options(obj.KilnKerasExport PRIVATE -fexceptions)
  target_compile_definitions(obj.KilnKerasExport PRIVATE
    KILN_RUNTIME_ARCHIVE="$<TARGET_FILE:kiln_runtime>")
  target_include_directories(obj.KilnKerasExport PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
endif()
add_dependencies(KilnKerasExport kiln_runtime)
# Training loads the trainable library it compiles and calls the runtime's
# C API through it.
target_include_directories(KilnKerasExport PRIVATE ${PROJECT_SOURCE_DIR}/runtime/include)
if(TARGET obj.KilnKerasExport)
  target_include_directories(obj.KilnKerasExport PRIVATE ${PROJECT_SOURCE_DIR}/runtime/include)
endif()

# Keras model files to models (the file reader plus the layer library).
kiln_add_library(KilnKerasImport PARTIAL_SOURCES_INTENDED
  KerasImport.cpp
  LINK_LIBS KilnKeras KilnKerasFile
  MLIR_LIBS MLIRIR
)
target_compile_options(KilnKerasImport PRIVATE -fexceptions)
target_include_directories(KilnKerasImport PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
if(TARGET obj.KilnKerasImport)
  target_compile_options(obj.KilnKerasImport PRIVATE -fexceptions)
  target_include_directories(obj.KilnKerasImport PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
endif()
