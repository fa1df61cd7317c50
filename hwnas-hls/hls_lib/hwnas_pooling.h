// hwnas HLS layer library: max and average pooling, 1-D and 2-D, io_parallel.
//
// Max pooling ignores padded positions; average pooling sums the real positions in accum_t
// and divides by their number (ap_fixed division by an integer: truncation towards zero at
// accum_t's LSB), then casts to res_T.
#ifndef HWNAS_POOLING_H_
#define HWNAS_POOLING_H_

#include "hwnas_common.h"

namespace hwnas {

// One pooling window, reduced as its real (not padded) positions arrive: the maximum, or the
// sum in accum_t divided by the number of positions. Shared by the io_parallel and io_stream
// kernels so both compute the same bits.
template <class in_T, class out_T, typename CONFIG_T> struct pool_window {
    in_T best;
    bool first;
    typename CONFIG_T::accum_t acc;
    unsigned count;

    pool_window() : best(0), first(true), acc(0), count(0) {}

    void add(const in_T &x) {
        if (CONFIG_T::pool_op == max_pool) {
            if (first || x > best) {
                best = x;
            }
            first = false;
        } else {
            acc += x;
            count++;
        }
    }

    out_T result() const {
        if (CONFIG_T::pool_op == max_pool) {
            return (out_T)best;
        }
        const ap_fixed<16, 16> n = count;
        return (out_T)(acc / n);
    }
};

template <class data_T, class res_T, typename CONFIG_T>
void pooling2d_cl(const data_T data[CONFIG_T::in_height * CONFIG_T::in_width * CONFIG_T::n_chan],
                  res_T res[CONFIG_T::out_height * CONFIG_T::out_width * CONFIG_T::n_chan]) {
    HWNAS_PRAGMA(HLS PIPELINE II = CONFIG_T::reuse_factor)
HWNAS_LOOP(PoolH)
    for (unsigned oh = 0; oh < CONFIG_T::out_height; oh++) {
    HWNAS_LOOP(PoolW)
        for (unsigned ow = 0; ow < CONFIG_T::out_width; ow++) {
        HWNAS_LOOP(PoolC)
            for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
                pool_window<data_T, res_T, CONFIG_T> window;
            HWNAS_LOOP(WindowH)
                for (unsigned kh = 0; kh < CONFIG_T::pool_height; kh++) {
                HWNAS_LOOP(WindowW)
                    for (unsigned kw = 0; kw < CONFIG_T::pool_width; kw++) {
                        const int ih =
                            int(oh * CONFIG_T::stride_height + kh) - int(CONFIG_T::pad_top);
                        const int iw =
                            int(ow * CONFIG_T::stride_width + kw) - int(CONFIG_T::pad_left);
                        if (ih >= 0 && ih < int(CONFIG_T::in_height) && iw >= 0 &&
                            iw < int(CONFIG_T::in_width)) {
                            window.add(data[(unsigned(ih) * CONFIG_T::in_width + unsigned(iw)) *
                                                CONFIG_T::n_chan + c]);
                        }
                    }
                }
                res[(oh * CONFIG_T::out_width + ow) * CONFIG_T::n_chan + c] = window.result();
            }
        }
    }
}

// 1-D pooling is 2-D pooling of height 1.
template <class data_T, class res_T, typename CONFIG_T>
void pooling1d_cl(const data_T data[CONFIG_T::in_width * CONFIG_T::n_chan],
                  res_T res[CONFIG_T::out_width * CONFIG_T::n_chan]) {
    HWNAS_PRAGMA(HLS INLINE)
    pooling2d_cl<data_T, res_T, CONFIG_T>(data, res);
}

} // namespace hwnas

#endif
