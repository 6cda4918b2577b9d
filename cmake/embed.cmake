# embed.cmake -- turns a text file into a C string constant.
# Usage: cmake -DINPUT=file -DOUTPUT=file.c -DSYMBOL=name -P embed.cmake
# Hex bytes rather than a string literal: no escaping, no length limits.
file(READ "${INPUT}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" body "${body}")
file(WRITE "${OUTPUT}" "/* Generated from ${INPUT} by cmake/embed.cmake; do not edit. */\n"
     "const char ${SYMBOL}[] = {\n${body}0x00};\n")
