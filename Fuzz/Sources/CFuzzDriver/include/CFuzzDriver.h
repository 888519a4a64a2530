// libFuzzer's driver entry point (compiler-rt, FuzzerInterface.h). SwiftPM gives each executable a renamed entry
// point (`<module>_main`) and makes it `main`, so the fuzz targets call the driver from there themselves.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
