// hwnas HLS layer library: zero padding and nearest-neighbour upsampling, 1-D (height 1) and
// 2-D, channels-last.
#ifndef HWNAS_RESIZE_H_
#define HWNAS_RESIZE_H_

#include "hwnas_common.h"

namespace hwnas {

template <class data_T, class res_T, typename CONFIG_T>
void zeropad2d_cl(const data_T data[CONFIG_T::in_height * CONFIG_T::in_width * CONFIG_T::n_chan],
                  res_T res[CONFIG_T::out_height * CONFIG_T::out_width * CONFIG_T::n_chan]) {
    HWNAS_PRAGMA(HLS PIPELINE)
HWNAS_LOOP(PadH)
    for (unsigned h = 0; h < CONFIG_T::out_height; h++) {
    HWNAS_LOOP(PadW)
        for (unsigned w = 0; w < CONFIG_T::out_width; w++) {
            const bool inside = h >= CONFIG_T::pad_top && h < CONFIG_T::pad_top + CONFIG_T::in_height &&
                                w >= CONFIG_T::pad_left && w < CONFIG_T::pad_left + CONFIG_T::in_width;
        HWNAS_LOOP(PadC)
            for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
                const unsigned o = (h * CONFIG_T::out_width + w) * CONFIG_T::n_chan + c;
                if (inside) {
                    res[o] = data[((h - CONFIG_T::pad_top) * CONFIG_T::in_width +
                                   (w - CONFIG_T::pad_left)) * CONFIG_T::n_chan + c];
                } else {
                    res[o] = 0;
                }
            }
        }
    }
}

template <class data_T, class res_T, typename CONFIG_T>
void upsampling2d_cl(const data_T data[CONFIG_T::in_height * CONFIG_T::in_width * CONFIG_T::n_chan],
                     res_T res[CONFIG_T::out_height * CONFIG_T::out_width * CONFIG_T::n_chan]) {
    HWNAS_PRAGMA(HLS PIPELINE)
HWNAS_LOOP(UpH)
    for (unsigned h = 0; h < CONFIG_T::out_height; h++) {
    HWNAS_LOOP(UpW)
        for (unsigned w = 0; w < CONFIG_T::out_width; w++) {
        HWNAS_LOOP(UpC)
            for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
                res[(h * CONFIG_T::out_width + w) * CONFIG_T::n_chan + c] =
                    data[((h / CONFIG_T::height_factor) * CONFIG_T::in_width +
                          w / CONFIG_T::width_factor) * CONFIG_T::n_chan + c];
            }
        }
    }
}

} // namespace hwnas

#endif
