// hwnas HLS layer library: activations. ReLU, LeakyReLU, PReLU; and hls4ml 1.3's table-based
// Sigmoid, Tanh, Softplus, Softsign, ELU and (stable) Softmax, whose tables and index arithmetic follow
// nnet_activation.h bit for bit (the tables are computed in float, as hls4ml does, so that the
// C simulation of both agrees; hwnas-hls/src/activation.rs computes the same tables).
#ifndef HWNAS_ACTIVATION_H_
#define HWNAS_ACTIVATION_H_

#include "hwnas_common.h"

#include <cmath>

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

// res = data > 0 ? (res_T) data : (res_T)(alpha[c] * data), c the channel (index % n_chan).
template <class data_T, class res_T, typename CONFIG_T>
void prelu(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in],
           const typename CONFIG_T::alpha_t alpha[CONFIG_T::n_chan]) {
    HWNAS_PRAGMA(HLS PIPELINE II = CONFIG_T::reuse_factor)
HWNAS_LOOP(PreluLoop)
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        if (data[i] > 0) {
            res[i] = data[i];
        } else {
            res[i] = alpha[i % CONFIG_T::n_chan] * data[i];
        }
    }
}

// The tables. hls4ml builds them once in C simulation (static) and on every call under
// synthesis, where HLS folds them into ROMs.
#ifdef __SYNTHESIS__
#define HWNAS_TABLE(type, name, size) type name[size]; bool name##_ready = false;
#else
#define HWNAS_TABLE(type, name, size) static type name[size]; static bool name##_ready = false;
#endif

// The functions of hls4ml's symmetric tables, with the argument range [-HALF, HALF) and the
// return type of hls4ml's call (float, except tanh: double).
struct sigmoid_fn {
    static constexpr double half = 8.0;
    static float f(float input) { return 1.0 / (1 + std::exp(-input)); }
};
struct softplus_fn {
    static constexpr double half = 8.0;
    static float f(float input) { return std::log(std::exp(input) + 1.); }
};
struct softsign_fn {
    static constexpr double half = 8.0;
    static float f(float input) { return input / (std::abs(input) + 1.); }
};
struct tanh_fn {
    static constexpr double half = 4.0;
    static double f(float input) { return ::tanh(input); }
};

inline float elu_fcn_float(float input) { return std::exp(input) - 1.; }

// Entry ii is F(2 HALF (ii - N/2) / N), the argument rounded to float as hls4ml's init_*_table.
template <class F, typename table_T, int N> void init_symmetric_table(table_T table[N]) {
    for (int ii = 0; ii < N; ii++) {
        float in_val = 2 * F::half * (ii - float(N) / 2.0) / float(N);
        table_T real_val = F::f(in_val);
        table[ii] = real_val;
    }
}

// exp(x) - 1 over (-8, 0]: entry i is exp(-8 i / N) - 1.
template <typename table_T, int N> void init_elu_table(table_T table[N]) {
    for (int ii = 0; ii < N; ii++) {
        float in_val = -8.0 * ii / float(N);
        table_T real_val = elu_fcn_float(in_val);
        table[ii] = real_val;
    }
}

// Index arithmetic of hls4ml: the int conversion truncates towards zero.
template <class data_T, typename CONFIG_T>
int table_index(const data_T x, const int range, const int offset) {
    int data_round = x * CONFIG_T::table_size / range;
    int index = data_round + offset * CONFIG_T::table_size / range;
    if (index < 0) {
        index = 0;
    }
    if (index > int(CONFIG_T::table_size) - 1) {
        index = CONFIG_T::table_size - 1;
    }
    return index;
}

// res = table[clamp(int(x * N / (2 HALF)) + N / 2)], the table of F over [-HALF, HALF): hls4ml's
// sigmoid, tanh, softplus and softsign.
template <class F, class data_T, class res_T, typename CONFIG_T>
void symmetric_table_activation(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
    HWNAS_TABLE(typename CONFIG_T::table_t, table, CONFIG_T::table_size)
    if (!table_ready) {
        init_symmetric_table<F, typename CONFIG_T::table_t, CONFIG_T::table_size>(table);
        table_ready = true;
    }
    const int half = int(F::half);
    HWNAS_PRAGMA(HLS PIPELINE II = CONFIG_T::reuse_factor)
HWNAS_LOOP(TableLoop)
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        res[i] = (res_T)table[table_index<data_T, CONFIG_T>(data[i], 2 * half, half)];
    }
}

template <class data_T, class res_T, typename CONFIG_T>
void sigmoid(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
    symmetric_table_activation<sigmoid_fn, data_T, res_T, CONFIG_T>(data, res);
}

template <class data_T, class res_T, typename CONFIG_T>
void tanh(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
    symmetric_table_activation<tanh_fn, data_T, res_T, CONFIG_T>(data, res);
}

template <class data_T, class res_T, typename CONFIG_T>
void softplus(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
    symmetric_table_activation<softplus_fn, data_T, res_T, CONFIG_T>(data, res);
}

template <class data_T, class res_T, typename CONFIG_T>
void softsign(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
    symmetric_table_activation<softsign_fn, data_T, res_T, CONFIG_T>(data, res);
}

// res = data >= 0 ? data : alpha * table[index], index = data * N / -8 (towards zero).
template <class data_T, class res_T, typename CONFIG_T>
void elu(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in],
         const typename CONFIG_T::alpha_t alpha) {
    HWNAS_TABLE(typename CONFIG_T::table_t, elu_table, CONFIG_T::table_size)
    if (!elu_table_ready) {
        init_elu_table<typename CONFIG_T::table_t, CONFIG_T::table_size>(elu_table);
        elu_table_ready = true;
    }
    HWNAS_PRAGMA(HLS PIPELINE II = CONFIG_T::reuse_factor)
HWNAS_LOOP(EluLoop)
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        const data_T datareg = data[i];
        if (datareg >= 0) {
            res[i] = datareg;
        } else {
            int index = datareg * CONFIG_T::table_size / -8;
            if (index > int(CONFIG_T::table_size) - 1) {
                index = CONFIG_T::table_size - 1;
            }
            res[i] = alpha * elu_table[index];
        }
    }
}

constexpr int table_bits(unsigned n) { return n <= 1 ? 0 : 1 + table_bits(n / 2); }

// The value whose top table_bits(N) bits are `i` (the others zero).
template <class data_T, unsigned N> float softmax_real_val_from_idx(unsigned i) {
    data_T x(0);
    x(x.width - 1, x.width - table_bits(N)) = i;
    return (float)x;
}

// The top table_bits(N) bits of x.
template <class data_T, unsigned N> unsigned softmax_idx_from_real_val(const data_T x) {
    ap_uint<table_bits(N)> y = x(x.width - 1, x.width - table_bits(N));
    return (unsigned)y;
}

// Balanced tree of additions in T (hls4ml's reduce with Op_add): left half a power of two.
template <class T, int N> T tree_sum(const T *x) {
    static constexpr int left = N <= 2 ? 1 : 1 << table_bits(N - 1);
    if (N == 1) {
        return x[0];
    }
    if (N == 2) {
        return T(x[0] + x[1]);
    }
    return T(tree_sum<T, (N <= 2 ? 1 : left)>(x) + tree_sum<T, (N <= 2 ? 1 : N - left)>(x + left));
}

// hls4ml's softmax_stable over each slice of n_slice values: exp(x - max) from a table
// addressed by the top bits of (max - x) in inp_norm_t, summed in accum_t by a balanced tree,
// the sum's inverse from a table addressed by its top bits in inv_inp_t.
template <class data_T, class res_T, typename CONFIG_T>
void softmax(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
    HWNAS_TABLE(typename CONFIG_T::exp_table_t, exp_table, CONFIG_T::exp_table_size)
    HWNAS_TABLE(typename CONFIG_T::inv_table_t, invert_table, CONFIG_T::inv_table_size)
    if (!exp_table_ready || !invert_table_ready) {
        for (unsigned i = 0; i < CONFIG_T::exp_table_size; i++) {
            float x = softmax_real_val_from_idx<typename CONFIG_T::inp_norm_t,
                                                CONFIG_T::exp_table_size>(i) * 1.0f;
            typename CONFIG_T::exp_table_t exp_x = std::exp(-x);
            exp_table[i] = exp_x;
        }
        for (unsigned i = 0; i < CONFIG_T::inv_table_size; i++) {
            float x = softmax_real_val_from_idx<typename CONFIG_T::inv_inp_t,
                                                CONFIG_T::inv_table_size>(i);
            typename CONFIG_T::inv_table_t inv_x = 1 / x;
            invert_table[i] = inv_x;
        }
        exp_table_ready = true;
        invert_table_ready = true;
    }
    HWNAS_PRAGMA(HLS PIPELINE II = CONFIG_T::reuse_factor)
HWNAS_LOOP(SoftmaxSlices)
    for (unsigned s = 0; s < CONFIG_T::n_in / CONFIG_T::n_slice; s++) {
        const data_T *x = data + s * CONFIG_T::n_slice;
        data_T x_max = x[0];
        for (unsigned i = 1; i < CONFIG_T::n_slice; i++) {
            x_max = x_max >= x[i] ? x_max : x[i];
        }
        typename CONFIG_T::accum_t exp_res[CONFIG_T::n_slice];
        HWNAS_PRAGMA(HLS ARRAY_PARTITION variable = exp_res complete)
        for (unsigned i = 0; i < CONFIG_T::n_slice; i++) {
            typename CONFIG_T::inp_norm_t d = x_max - x[i];
            exp_res[i] = exp_table[softmax_idx_from_real_val<typename CONFIG_T::inp_norm_t,
                                                             CONFIG_T::exp_table_size>(d)];
        }
        typename CONFIG_T::inv_inp_t exp_sum =
            tree_sum<typename CONFIG_T::accum_t, CONFIG_T::n_slice>(exp_res);
        typename CONFIG_T::inv_table_t inv_exp_sum =
            invert_table[softmax_idx_from_real_val<typename CONFIG_T::inv_inp_t,
                                                   CONFIG_T::inv_table_size>(exp_sum)];
        for (unsigned i = 0; i < CONFIG_T::n_slice; i++) {
            res[s * CONFIG_T::n_slice + i] = exp_res[i] * inv_exp_sum;
        }
    }
}

// io_stream: an activation applied to each pixel (CONFIG_T::n_in values per pixel).
#define HWNAS_PIXELWISE(NAME, ARGS, PARAMS)                                                      \
    template <class data_T, class res_T, typename CONFIG_T>                                      \
    void NAME##_stream(hls::stream<data_T> &data, hls::stream<res_T> &res ARGS) {               \
        for (unsigned p = 0; p < CONFIG_T::n_pixels; p++) {                                      \
            HWNAS_PRAGMA(HLS PIPELINE II = CONFIG_T::reuse_factor)                               \
            const data_T in = data.read();                                                       \
            res_T o;                                                                             \
            NAME<typename data_T::value_type, typename res_T::value_type, CONFIG_T>(in.data,     \
                                                                                   o.data PARAMS); \
            res.write(o);                                                                        \
        }                                                                                        \
    }
#define HWNAS_COMMA ,
HWNAS_PIXELWISE(sigmoid, , )
HWNAS_PIXELWISE(tanh, , )
HWNAS_PIXELWISE(softplus, , )
HWNAS_PIXELWISE(softsign, , )
HWNAS_PIXELWISE(softmax, , )
HWNAS_PIXELWISE(elu, HWNAS_COMMA const typename CONFIG_T::alpha_t alpha, HWNAS_COMMA alpha)
HWNAS_PIXELWISE(prelu, HWNAS_COMMA const typename CONFIG_T::alpha_t alpha[CONFIG_T::n_chan],
                HWNAS_COMMA alpha)
#undef HWNAS_COMMA
#undef HWNAS_PIXELWISE
#undef HWNAS_TABLE

} // namespace hwnas

#endif
