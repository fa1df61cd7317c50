// hwnas HLS layer library: fully connected layer, Latency and Resource kernels.
//
// Both kernels compute, for every output j, acc = (accum_t) bias[j]; then for i = 0 .. n_in-1
// in ascending order acc += (accum_t)(data[i] * weights[i * n_out + j]) (each product cast to
// accum_t first, as hls4ml's mult[] arrays and static_casts do, then the sum cast to accum_t);
// finally res[j] = (res_T) acc. The hwnas emulator performs the same operations.
#ifndef HWNAS_DENSE_H_
#define HWNAS_DENSE_H_

#include "hwnas_common.h"

namespace hwnas {

// Fully unrolled: one multiplier per weight unless reuse_factor > 1 (II = reuse_factor).
template <class data_T, class res_T, typename CONFIG_T>
void dense_latency(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_out],
                   const typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
                   const typename CONFIG_T::bias_t biases[CONFIG_T::n_out]) {
    HWNAS_PRAGMA(HLS PIPELINE II = CONFIG_T::reuse_factor)
    HWNAS_PRAGMA(HLS FUNCTION_INSTANTIATE variable = weights, biases)
    HWNAS_PRAGMA(HLS ARRAY_PARTITION variable = biases complete)
    HWNAS_PRAGMA(HLS ALLOCATION operation instances = mul limit = CONFIG_T::multiplier_limit)
    typename CONFIG_T::accum_t acc[CONFIG_T::n_out];
    HWNAS_PRAGMA(HLS ARRAY_PARTITION variable = acc complete)
HWNAS_LOOP(InitAccum)
    for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
        acc[j] = (typename CONFIG_T::accum_t)biases[j];
    }
HWNAS_LOOP(Product)
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
    HWNAS_LOOP(ProductOut)
        for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
            acc[j] += (typename CONFIG_T::accum_t)(data[i] * weights[i * CONFIG_T::n_out + j]);
        }
    }
HWNAS_LOOP(Result)
    for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
        res[j] = (res_T)acc[j];
    }
}

// Rolled: reuse_factor cycles, block_factor = n_in * n_out / reuse_factor multipliers, the
// weights reshaped so that one word holds the block_factor weights used in one cycle.
template <class data_T, class res_T, typename CONFIG_T>
void dense_resource(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_out],
                    const typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
                    const typename CONFIG_T::bias_t biases[CONFIG_T::n_out]) {
    HWNAS_PRAGMA(HLS ARRAY_RESHAPE variable = weights cyclic factor = CONFIG_T::block_factor)
    HWNAS_PRAGMA(HLS ARRAY_PARTITION variable = biases complete)
    typename CONFIG_T::accum_t acc[CONFIG_T::n_out];
    HWNAS_PRAGMA(HLS ARRAY_PARTITION variable = acc complete)
HWNAS_LOOP(InitAccum)
    for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
        HWNAS_PRAGMA(HLS UNROLL)
        acc[j] = (typename CONFIG_T::accum_t)biases[j];
    }
HWNAS_LOOP(ReuseLoop)
    for (unsigned ir = 0; ir < CONFIG_T::reuse_factor; ir++) {
        HWNAS_PRAGMA(HLS PIPELINE II = 1 rewind)
    HWNAS_LOOP(MultLoop)
        for (unsigned im = 0; im < CONFIG_T::block_factor; im++) {
            HWNAS_PRAGMA(HLS UNROLL)
            const unsigned w = ir * CONFIG_T::block_factor + im;
            acc[w % CONFIG_T::n_out] +=
                (typename CONFIG_T::accum_t)(data[w / CONFIG_T::n_out] * weights[w]);
        }
    }
HWNAS_LOOP(Result)
    for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
        HWNAS_PRAGMA(HLS UNROLL)
        res[j] = (res_T)acc[j];
    }
}

// Dispatch on CONFIG_T::strategy (a compile-time constant).
template <class data_T, class res_T, typename CONFIG_T>
void dense(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_out],
           const typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
           const typename CONFIG_T::bias_t biases[CONFIG_T::n_out]) {
    HWNAS_PRAGMA(HLS INLINE)
    if (CONFIG_T::strategy == latency) {
        dense_latency<data_T, res_T, CONFIG_T>(data, res, weights, biases);
    } else {
        dense_resource<data_T, res_T, CONFIG_T>(data, res, weights, biases);
    }
}

} // namespace hwnas

#endif
