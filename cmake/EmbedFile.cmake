# cmake -DINPUT=file.json -DOUTPUT=file.cc -DSYMBOL=Name -P EmbedFile.cmake
# Writes a C++ source defining `std::string_view tagloop::embedded::Name()`
# with the bytes of INPUT, so a data file (the OpenAPI document) is compiled
# into the binary. A .json INPUT must parse as JSON: a broken document fails
# the build, not the first request.
file(READ "${INPUT}" text)
if(INPUT MATCHES "\\.json$")
  string(JSON kind ERROR_VARIABLE json_error TYPE "${text}")
  if(json_error)
    message(FATAL_ERROR "${INPUT} is not valid JSON: ${json_error}")
  endif()
endif()
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR size "${hex_length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
# Sixteen bytes a line.
string(REGEX REPLACE "(0x[0-9a-f][0-9a-f],0x[0-9a-f][0-9a-f],0x[0-9a-f][0-9a-f],0x[0-9a-f][0-9a-f],0x[0-9a-f][0-9a-f],0x[0-9a-f][0-9a-f],0x[0-9a-f][0-9a-f],0x[0-9a-f][0-9a-f],0x[0-9a-f][0-9a-f],0x[0-9a-f][0-9a-f],0x[0-9a-f][0-9a-f],0x[0-9a-f][0-9a-f],0x[0-9a-f][0-9a-f],0x[0-9a-f][0-9a-f],0x[0-9a-f][0-9a-f],0x[0-9a-f][0-9a-f],)" "\\1\n  " bytes "${bytes}")
file(WRITE "${OUTPUT}.tmp" "// Generated from ${INPUT} by cmake/EmbedFile.cmake; do not edit.
#include <string_view>

namespace tagloop::embedded {

namespace {
constexpr unsigned char kBytes[] = {
  ${bytes}0};
}  // namespace

std::string_view ${SYMBOL}() { return std::string_view(reinterpret_cast<const char*>(kBytes), ${size}); }

}  // namespace tagloop::embedded
")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
