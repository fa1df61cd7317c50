// hwnas HLS layer library: ReLU and LeakyReLU.
#ifndef HWNAS_ACTIVATION_H_
#define HWNAS_ACTIVATION_H_

#include "hwnas_common.h"

namespace hwnas {

// res = data > 0 ? (res_T) data : 0
template <class data_T, class res_T, typename CONFIG_T>
void relu(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
    HWNAS_PRAGMA(HLS PIPELINE II = CONFIG_T::reuse_factor)
HWNAS_LOOP(ReluLoop)
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        if (data[i] > 0) {
            res[i] = data[i];
        } else {
            res[i] = 0;
        }
    }
}

// res = data >= 0 ? (res_T) data : (res_T)(data * alpha), the product exact.
template <class data_T, class res_T, typename CONFIG_T>
void leaky_relu(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in],
                const typename CONFIG_T::alpha_t alpha) {
    HWNAS_PRAGMA(HLS PIPELINE II = CONFIG_T::reuse_factor)
HWNAS_LOOP(LeakyLoop)
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        if (data[i] >= 0) {
            res[i] = data[i];
        } else {
            res[i] = data[i] * alpha;
        }
    }
}

} // namespace hwnas

#endif
