# SPDX-License-Identifier: Apache-2.0 (included from CMakeLists.txt)
# The Keras file reader (KerasFile.h): a plain static library over Debian's
# HDF5 (C API + high-level file-image API), libzip and nlohmann-json. No MLIR
# here; the Keras model builder links it.
find_package(HDF5 REQUIRED COMPONENTS C HL)
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBZIP REQUIRED IMPORTED_TARGET libzip)
find_package(nlohmann_json 3.2 REQUIRED)

add_library(KilnKerasFile STATIC
  KerasFile.cpp
  KerasHdf5.cpp
  KerasIsolation.cpp
  KerasJson.cpp
  KerasWeights.cpp
)
set_target_properties(KilnKerasFile PROPERTIES POSITION_INDEPENDENT_CODE ON)
# The project builds with -fno-exceptions; nlohmann-json reports errors by
# throwing, so this library catches them internally (readKerasFile never
# lets one escape). KerasJson.h explains why mixing the two is ODR-safe.
target_compile_options(KilnKerasFile PRIVATE -fexceptions)
# FindHDF5's imported targets (CMake >= 3.19) name just libhdf5(_hl).so;
# HDF5_C_LIBRARIES would add every static dependency h5cc reports (curl,
# crypto, ...).
target_link_libraries(KilnKerasFile
  PRIVATE hdf5::hdf5_hl hdf5::hdf5 PkgConfig::LIBZIP
          nlohmann_json::nlohmann_json)

add_subdirectory(tools)
