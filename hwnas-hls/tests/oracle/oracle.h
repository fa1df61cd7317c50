// Shared part of the C++ side of the ap_fixed oracle test (hwnas-hls/tests/ap_fixed_oracle.rs).
//
// The test generates source files that instantiate FloatRun / CastRun once per type shape or
// type pair (each running every mode combination) and a table of them (FLOAT_CASES,
// CAST_CASES), and compiles them with main.cpp against the real ap_types headers.
//
// Raw values are 128-bit integers (g++'s __int128): sign-extended for signed types,
// zero-extended for unsigned ones.
#ifndef HWNAS_ORACLE_H
#define HWNAS_ORACLE_H

#include <ap_fixed.h>

#include <cstdint>
#include <cstddef>

typedef __int128 raw_t;

// The raw integer of x: its W bits, sign-extended for signed types (W <= 126).
template <int W, bool S, class T>
static inline raw_t raw_of(const T& x) {
  const ap_uint<W> bits = x.range(W - 1, 0);
  unsigned __int128 v = 0;
  for (int lo = 0; lo < W; lo += 64) {
    const int hi = lo + 63 < W - 1 ? lo + 63 : W - 1;
    v |= (unsigned __int128)bits.range(hi, lo).to_uint64() << lo;
  }
  if (S && W < 128) {
    const int sh = 128 - W;
    return (raw_t)(v << sh) >> sh;
  }
  return (raw_t)v;
}

// Sets the W bits of x from a raw integer (only its low W bits are read, as `.V = raw`).
template <int W, class T>
static inline void set_raw(T& x, raw_t raw) {
  ap_uint<128> v = (uint64_t)((unsigned __int128)raw >> 64);
  v <<= 64;
  v |= ap_uint<128>((uint64_t)raw);
  const ap_uint<W> bits = v;  // the low W bits
  x.range(W - 1, 0) = bits;
}

// Converts every input double into each of Ts..., one output block per type.
template <int W, bool S, class... Ts>
struct FloatRun;
template <int W, bool S>
struct FloatRun<W, S> {
  static void run(const double*, raw_t*, size_t) {}
};
template <int W, bool S, class T, class... Ts>
struct FloatRun<W, S, T, Ts...> {
  static void run(const double* in, raw_t* out, size_t n) {
    for (size_t i = 0; i < n; ++i) {
      T x = in[i];
      out[i] = raw_of<W, S>(x);
    }
    FloatRun<W, S, Ts...>::run(in, out + n, n);
  }
};

// Sets the raw bits of a Src value and assigns it to each of Ts..., one output block per type.
template <class Src, int W2, int W, bool S, class... Ts>
struct CastRun;
template <class Src, int W2, int W, bool S>
struct CastRun<Src, W2, W, S> {
  static void run(const raw_t*, raw_t*, size_t) {}
};
template <class Src, int W2, int W, bool S, class T, class... Ts>
struct CastRun<Src, W2, W, S, T, Ts...> {
  static void run(const raw_t* in, raw_t* out, size_t n) {
    for (size_t i = 0; i < n; ++i) {
      Src src;
      set_raw<W2>(src, in[i]);
      T x = src;
      out[i] = raw_of<W, S>(x);
    }
    CastRun<Src, W2, W, S, Ts...>::run(in, out + n, n);
  }
};

struct FloatCase {
  void (*run)(const double*, raw_t*, size_t);
  size_t n_modes;
};
struct CastCase {
  void (*run)(const raw_t*, raw_t*, size_t);
  size_t n_modes;
};

extern const FloatCase FLOAT_CASES[];
extern const size_t N_FLOAT_CASES;
extern const CastCase CAST_CASES[];
extern const size_t N_CAST_CASES;

#endif  // HWNAS_ORACLE_H
