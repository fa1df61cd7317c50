// hwnas HLS layer library: 1-D and 2-D convolutions, io_parallel (channels-last arrays).
//
// For every output pixel the window is gathered into a buffer in (kh, kw, c) order, padded
// positions set to zero, and multiplied by the [kh][kw][c][f] weights with the Dense kernel of
// CONFIG_T::mult_config (n_in = kh * kw * n_chan, n_out = n_filt). A zero term leaves the
// accumulator unchanged, so the result equals the sum over the real positions only.
#ifndef HWNAS_CONV_H_
#define HWNAS_CONV_H_

#include "hwnas_common.h"
#include "hwnas_dense.h"

namespace hwnas {

template <class data_T, typename CONFIG_T>
void fill_window(const data_T data[CONFIG_T::in_height * CONFIG_T::in_width * CONFIG_T::n_chan],
                 data_T buffer[CONFIG_T::filt_height * CONFIG_T::filt_width * CONFIG_T::n_chan],
                 unsigned oh, unsigned ow) {
    HWNAS_PRAGMA(HLS INLINE)
HWNAS_LOOP(WindowH)
    for (unsigned kh = 0; kh < CONFIG_T::filt_height; kh++) {
    HWNAS_LOOP(WindowW)
        for (unsigned kw = 0; kw < CONFIG_T::filt_width; kw++) {
            const int ih = int(oh * CONFIG_T::stride_height + kh) - int(CONFIG_T::pad_top);
            const int iw = int(ow * CONFIG_T::stride_width + kw) - int(CONFIG_T::pad_left);
            const bool inside = ih >= 0 && ih < int(CONFIG_T::in_height) && iw >= 0 &&
                                iw < int(CONFIG_T::in_width);
        HWNAS_LOOP(WindowC)
            for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
                const unsigned k = (kh * CONFIG_T::filt_width + kw) * CONFIG_T::n_chan + c;
                if (inside) {
                    buffer[k] = data[(unsigned(ih) * CONFIG_T::in_width + unsigned(iw)) *
                                         CONFIG_T::n_chan +
                                     c];
                } else {
                    buffer[k] = 0;
                }
            }
        }
    }
}

template <class data_T, class res_T, typename CONFIG_T>
void conv_2d_cl(
    const data_T data[CONFIG_T::in_height * CONFIG_T::in_width * CONFIG_T::n_chan],
    res_T res[CONFIG_T::out_height * CONFIG_T::out_width * CONFIG_T::n_filt],
    const typename CONFIG_T::weight_t
        weights[CONFIG_T::filt_height * CONFIG_T::filt_width * CONFIG_T::n_chan * CONFIG_T::n_filt],
    const typename CONFIG_T::bias_t biases[CONFIG_T::n_filt]) {
    data_T buffer[CONFIG_T::filt_height * CONFIG_T::filt_width * CONFIG_T::n_chan];
    HWNAS_PRAGMA(HLS ARRAY_PARTITION variable = buffer complete)
HWNAS_LOOP(PixelH)
    for (unsigned oh = 0; oh < CONFIG_T::out_height; oh++) {
    HWNAS_LOOP(PixelW)
        for (unsigned ow = 0; ow < CONFIG_T::out_width; ow++) {
            fill_window<data_T, CONFIG_T>(data, buffer, oh, ow);
            dense<data_T, res_T, typename CONFIG_T::mult_config>(
                buffer, &res[(oh * CONFIG_T::out_width + ow) * CONFIG_T::n_filt], weights, biases);
        }
    }
}

// A 1-D convolution is a 2-D one of height 1 (its config sets in_height = filt_height = 1).
template <class data_T, class res_T, typename CONFIG_T>
void conv_1d_cl(const data_T data[CONFIG_T::in_width * CONFIG_T::n_chan],
                res_T res[CONFIG_T::out_width * CONFIG_T::n_filt],
                const typename CONFIG_T::weight_t
                    weights[CONFIG_T::filt_width * CONFIG_T::n_chan * CONFIG_T::n_filt],
                const typename CONFIG_T::bias_t biases[CONFIG_T::n_filt]) {
    HWNAS_PRAGMA(HLS INLINE)
    conv_2d_cl<data_T, res_T, CONFIG_T>(data, res, weights, biases);
}

} // namespace hwnas

#endif
