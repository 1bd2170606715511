# cmake -DINPUT=file -DOUTPUT=file.inc -P EmbedText.cmake
# Writes the input file as a C++ raw string literal.
file(READ "${INPUT}" text)
string(FIND "${text}" ")vyre_embed\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter")
endif()
file(WRITE "${OUTPUT}.tmp" "R\"vyre_embed(${text})vyre_embed\"\n")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
