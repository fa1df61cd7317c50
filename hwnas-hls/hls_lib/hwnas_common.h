// hwnas HLS layer library: common definitions.
// Header-only templates written for hwnas (MIT OR Apache-2.0). Every layer function is
// parameterised by a CONFIG_T struct generated into parameters.h; loop bounds are CONFIG_T
// constants only, nothing is allocated dynamically and nothing recurses.
#ifndef HWNAS_COMMON_H_
#define HWNAS_COMMON_H_

#include "ap_fixed.h"
#include "ap_int.h"
#include "hls_stream.h"

// HLS pragmas and loop labels are written through HWNAS_PRAGMA and HWNAS_LOOP so that plain C++
// compilers (C simulation, -Wall -Wextra -Werror) see neither unknown pragmas nor unused labels;
// the HLS tools define __SYNTHESIS__ and get both.
#ifdef __SYNTHESIS__
#define HWNAS_PRAGMA(...) _Pragma(#__VA_ARGS__)
#define HWNAS_LOOP(name) name:
#else
#define HWNAS_PRAGMA(...)
#define HWNAS_LOOP(name)
#endif

namespace hwnas {

enum io_type { io_parallel = 0, io_stream = 1 };
enum strategy { latency = 0, resource = 1 };
enum pool_op { max_pool = 0, average_pool = 1 };

// A pack of values moved together through an hls::stream (one pixel in io_stream).
template <class T, unsigned N> struct array {
    typedef T value_type;
    static const unsigned size = N;
    T data[N];
    T &operator[](unsigned i) { return data[i]; }
    const T &operator[](unsigned i) const { return data[i]; }
};

// res = (res_T) data, element by element.
template <class data_T, class res_T, unsigned N> void copy(const data_T data[N], res_T res[N]) {
HWNAS_LOOP(CopyLoop)
    for (unsigned i = 0; i < N; i++) {
        HWNAS_PRAGMA(HLS UNROLL)
        res[i] = data[i];
    }
}

#if defined(HWNAS_FAST_CSIM) && !defined(__SYNTHESIS__)
// C simulation only (g++ -DHWNAS_FAST_CSIM): weight headers then hold raw integers, which g++
// compiles a hundred times faster than arrays of ap_fixed initialisers, and this fills the
// ap_fixed arrays from them, bit for bit, before main() runs. Synthesis always sees the
// ap_fixed constants.
template <class T, unsigned N> bool load_raw(T (&dst)[N], const long long (&raw)[N]) {
    for (unsigned i = 0; i < N; i++) {
        dst[i].range() = raw[i];
    }
    return true;
}
#endif

} // namespace hwnas

#endif
