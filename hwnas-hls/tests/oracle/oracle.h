// Shared part of the C++ side of the ap_fixed oracle test (hwnas-hls/tests/ap_fixed_oracle.rs).
//
// The test generates source files that instantiate FloatRun / CastRun once per type shape or
// type pair (each running every mode combination) and a table of them (FLOAT_CASES,
// CAST_CASES), and compiles them with main.cpp against the real ap_types headers.
//
// Raw values are written sign-extended for signed types and as the bit pattern (zero-extended)
// for unsigned ones.
#ifndef HWNAS_ORACLE_H
#define HWNAS_ORACLE_H

#include <ap_fixed.h>

#include <cstdint>
#include <cstddef>

template <int W, bool S, class T>
static inline int64_t raw_of(const T& x) {
  uint64_t bits = x.bits_to_uint64();
  if (W < 64) bits &= (~0ULL) >> (64 - W);
  if (S && W < 64) {
    const int sh = 64 - W;
    return (int64_t)(bits << sh) >> sh;
  }
  return (int64_t)bits;
}

// Converts every input double into each of Ts..., one output block per type.
template <int W, bool S, class... Ts>
struct FloatRun;
template <int W, bool S>
struct FloatRun<W, S> {
  static void run(const double*, int64_t*, size_t) {}
};
template <int W, bool S, class T, class... Ts>
struct FloatRun<W, S, T, Ts...> {
  static void run(const double* in, int64_t* out, size_t n) {
    for (size_t i = 0; i < n; ++i) {
      T x = in[i];
      out[i] = raw_of<W, S>(x);
    }
    FloatRun<W, S, Ts...>::run(in, out + n, n);
  }
};

// Sets the raw bits of a Src value and assigns it to each of Ts..., one output block per type.
template <class Src, int W, bool S, class... Ts>
struct CastRun;
template <class Src, int W, bool S>
struct CastRun<Src, W, S> {
  static void run(const int64_t*, int64_t*, size_t) {}
};
template <class Src, int W, bool S, class T, class... Ts>
struct CastRun<Src, W, S, T, Ts...> {
  static void run(const int64_t* in, int64_t* out, size_t n) {
    for (size_t i = 0; i < n; ++i) {
      Src src;
      src.setBits((ap_ulong)in[i]);
      T x = src;
      out[i] = raw_of<W, S>(x);
    }
    CastRun<Src, W, S, Ts...>::run(in, out + n, n);
  }
};

struct FloatCase {
  void (*run)(const double*, int64_t*, size_t);
  size_t n_modes;
};
struct CastCase {
  void (*run)(const int64_t*, int64_t*, size_t);
  size_t n_modes;
};

extern const FloatCase FLOAT_CASES[];
extern const size_t N_FLOAT_CASES;
extern const CastCase CAST_CASES[];
extern const size_t N_CAST_CASES;

#endif  // HWNAS_ORACLE_H
