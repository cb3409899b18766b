# CUDA helpers for bocomp's native library.
#
# bocomp_default_cuda_architectures(): sets CMAKE_CUDA_ARCHITECTURES (must run before project())
# to SASS for Ampere (sm_80) and Hopper (sm_90) plus compute_90 PTX for newer GPUs, unless the
# caller already chose (e.g. -DCMAKE_CUDA_ARCHITECTURES=native on a developer box).
macro(bocomp_default_cuda_architectures)
  if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
    set(CMAKE_CUDA_ARCHITECTURES 80-real 90-real 90-virtual)
  endif()
endmacro()

# bocomp_cuda_library(NAME SOURCES...): a shared library with the shared CUDA runtime (the same
# libcudart.so.13 the JavaCPP presets load), $ORIGIN rpath, C++17/CUDA 17, -O3 and line info.
function(bocomp_cuda_library name)
  add_library(${name} SHARED ${ARGN})
  target_include_directories(${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
  set_target_properties(${name} PROPERTIES
    CUDA_STANDARD 17
    CXX_STANDARD 17
    POSITION_INDEPENDENT_CODE ON
    CUDA_RUNTIME_LIBRARY Shared
    BUILD_RPATH "\$ORIGIN"
    INSTALL_RPATH "\$ORIGIN")
  target_compile_options(${name} PRIVATE
    $<$<COMPILE_LANGUAGE:CUDA>:-O3 -lineinfo --expt-relaxed-constexpr>
    $<$<COMPILE_LANGUAGE:CXX>:-O3 -Wall -Wextra>)
endfunction()

# bocomp_host_test(NAME SOURCE): a ctest test of host-side logic (schedules, plans) compiled with
# the plain C++ compiler against the native headers; needs no GPU.
function(bocomp_host_test name source)
  add_executable(${name} ${source})
  target_include_directories(${name} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
  set_target_properties(${name} PROPERTIES CXX_STANDARD 17)
  target_compile_options(${name} PRIVATE -O2 -Wall -Wextra)
  add_test(NAME ${name} COMMAND ${name})
endfunction()
