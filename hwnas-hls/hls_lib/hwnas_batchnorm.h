// hwnas HLS layer library: standalone batch normalisation, res = data * scale[c] + bias[c]
// (exact product and sum, one cast to res_T). A BatchNorm after Dense/Conv is fused at export.
#ifndef HWNAS_BATCHNORM_H_
#define HWNAS_BATCHNORM_H_

#include "hwnas_common.h"

namespace hwnas {

template <class data_T, class res_T, typename CONFIG_T>
void normalize(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in],
               const typename CONFIG_T::scale_t scale[CONFIG_T::n_chan],
               const typename CONFIG_T::bias_t bias[CONFIG_T::n_chan]) {
    HWNAS_PRAGMA(HLS PIPELINE II = CONFIG_T::reuse_factor)
    HWNAS_PRAGMA(HLS ARRAY_PARTITION variable = scale complete)
    HWNAS_PRAGMA(HLS ARRAY_PARTITION variable = bias complete)
HWNAS_LOOP(NormLoop)
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        const unsigned c = i % CONFIG_T::n_chan;
        res[i] = data[i] * scale[c] + bias[c];
    }
}

} // namespace hwnas

#endif
