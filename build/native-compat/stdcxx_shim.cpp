// SharpSight native compatibility shim.
//
// TorchSharp 0.107's libLibTorchSharp.so was built with GCC 13+, which makes every translation unit
// that includes <iostream> call std::ios_base_library_init() (versioned GLIBCXX_3.4.32). Older
// libstdc++ (Debian 12: GLIBCXX_3.4.30) lacks that symbol, although it initialises iostreams itself.
// This library supplies the one missing function; native-compat.sh points libLibTorchSharp.so at it.
#include <ios>

namespace std {
// Same contract as GCC 13's definition: make sure the standard streams are constructed.
void ios_base_library_init() {
    static ios_base::Init streams_initialised;
}
}
