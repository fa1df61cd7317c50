// hwnas HLS layer library: io_stream kernels.
//
// Every stream carries one pixel per element (a hwnas::array of the channels, channels-last),
// rows in order; a rank-1 tensor is one pixel holding the whole vector. The arithmetic is the
// io_parallel kernels' own: convolutions gather the same (kh, kw, c) window, from a line buffer
// holding the last filt_height input rows, and call the same Dense kernel; pooling visits the
// window in the same order. Results are therefore bit-identical to io_parallel.
#ifndef HWNAS_STREAM_H_
#define HWNAS_STREAM_H_

#include "hwnas_activation.h"
#include "hwnas_common.h"
#include "hwnas_dense.h"
#include "hwnas_pooling.h"

namespace hwnas {

// Writes the N values of an output buffer as one pixel.
template <class res_T, unsigned N>
void write_pixel(hls::stream<res_T> &res, const typename res_T::value_type out[N]) {
    HWNAS_PRAGMA(HLS INLINE)
    res_T px;
HWNAS_LOOP(WritePixel)
    for (unsigned j = 0; j < N; j++) {
        HWNAS_PRAGMA(HLS UNROLL)
        px[j] = out[j];
    }
    res.write(px);
}

// Index of the last input row an output row needs (clamped to the input), i.e. the row after
// which the output row can be computed.
template <unsigned KH, unsigned SH, unsigned PT, unsigned IH>
int last_row(unsigned oh) {
    HWNAS_PRAGMA(HLS INLINE)
    int last = int(oh * SH + KH - 1) - int(PT);
    if (last > int(IH) - 1) {
        last = int(IH) - 1;
    }
    if (last < 0) {
        last = 0;
    }
    return last;
}

// Dense on every pixel (a rank-1 input is a single pixel of n_in values).
// Reads input row `ih` (in_width pixels of n_chan values) into slot ih % ROWS of a line buffer
// holding the last ROWS rows; shared by the line-buffer convolution and pooling kernels.
template <unsigned ROWS, typename CONFIG_T, class data_T>
void read_line_row(hls::stream<data_T> &data,
                   typename data_T::value_type line[ROWS][CONFIG_T::in_width * CONFIG_T::n_chan],
                   unsigned ih) {
HWNAS_LOOP(ReadRow)
    for (unsigned iw = 0; iw < CONFIG_T::in_width; iw++) {
        HWNAS_PRAGMA(HLS PIPELINE)
        const data_T px = data.read();
    HWNAS_LOOP(ReadChan)
        for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
            line[ih % ROWS][iw * CONFIG_T::n_chan + c] = px[c];
        }
    }
}

template <class data_T, class res_T, typename CONFIG_T>
void dense_stream(hls::stream<data_T> &data, hls::stream<res_T> &res,
                  const typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
                  const typename CONFIG_T::bias_t biases[CONFIG_T::n_out]) {
HWNAS_LOOP(DensePixels)
    for (unsigned p = 0; p < CONFIG_T::n_pixels; p++) {
        const data_T in = data.read();
        typename res_T::value_type out[CONFIG_T::n_out];
        HWNAS_PRAGMA(HLS ARRAY_PARTITION variable = out complete)
        dense<typename data_T::value_type, typename res_T::value_type, CONFIG_T>(in.data, out,
                                                                                 weights, biases);
        write_pixel<res_T, CONFIG_T::n_out>(res, out);
    }
}

// 2-D convolution with a line buffer of the last filt_height rows (ring indexed by row %
// filt_height); every output pixel is computed as soon as its last input row has arrived.
template <class data_T, class res_T, typename CONFIG_T>
void conv_2d_cl_stream(
    hls::stream<data_T> &data, hls::stream<res_T> &res,
    const typename CONFIG_T::weight_t
        weights[CONFIG_T::filt_height * CONFIG_T::filt_width * CONFIG_T::n_chan * CONFIG_T::n_filt],
    const typename CONFIG_T::bias_t biases[CONFIG_T::n_filt]) {
    typedef typename data_T::value_type in_t;
    in_t line[CONFIG_T::filt_height][CONFIG_T::in_width * CONFIG_T::n_chan];
    HWNAS_PRAGMA(HLS ARRAY_PARTITION variable = line complete dim = 1)
    in_t buffer[CONFIG_T::filt_height * CONFIG_T::filt_width * CONFIG_T::n_chan];
    HWNAS_PRAGMA(HLS ARRAY_PARTITION variable = buffer complete)
HWNAS_LOOP(RowLoop)
    for (unsigned ih = 0; ih < CONFIG_T::in_height; ih++) {
        read_line_row<CONFIG_T::filt_height, CONFIG_T>(data, line, ih);
    HWNAS_LOOP(OutRows)
        for (unsigned oh = 0; oh < CONFIG_T::out_height; oh++) {
            if (last_row<CONFIG_T::filt_height, CONFIG_T::stride_height, CONFIG_T::pad_top,
                         CONFIG_T::in_height>(oh) != int(ih)) {
                continue;
            }
        HWNAS_LOOP(OutCols)
            for (unsigned ow = 0; ow < CONFIG_T::out_width; ow++) {
            HWNAS_LOOP(WindowH)
                for (unsigned kh = 0; kh < CONFIG_T::filt_height; kh++) {
                HWNAS_LOOP(WindowW)
                    for (unsigned kw = 0; kw < CONFIG_T::filt_width; kw++) {
                        const int r = int(oh * CONFIG_T::stride_height + kh) - int(CONFIG_T::pad_top);
                        const int q = int(ow * CONFIG_T::stride_width + kw) - int(CONFIG_T::pad_left);
                        const bool inside = r >= 0 && r < int(CONFIG_T::in_height) && q >= 0 &&
                                            q < int(CONFIG_T::in_width);
                    HWNAS_LOOP(WindowC)
                        for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
                            const unsigned k = (kh * CONFIG_T::filt_width + kw) * CONFIG_T::n_chan + c;
                            if (inside) {
                                buffer[k] = line[unsigned(r) % CONFIG_T::filt_height]
                                                [unsigned(q) * CONFIG_T::n_chan + c];
                            } else {
                                buffer[k] = 0;
                            }
                        }
                    }
                }
                typename res_T::value_type out[CONFIG_T::n_filt];
                HWNAS_PRAGMA(HLS ARRAY_PARTITION variable = out complete)
                dense<in_t, typename res_T::value_type, typename CONFIG_T::mult_config>(
                    buffer, out, weights, biases);
                write_pixel<res_T, CONFIG_T::n_filt>(res, out);
            }
        }
    }
}

// A 1-D convolution is a 2-D one of height 1.
template <class data_T, class res_T, typename CONFIG_T>
void conv_1d_cl_stream(hls::stream<data_T> &data, hls::stream<res_T> &res,
                       const typename CONFIG_T::weight_t
                           weights[CONFIG_T::filt_width * CONFIG_T::n_chan * CONFIG_T::n_filt],
                       const typename CONFIG_T::bias_t biases[CONFIG_T::n_filt]) {
    HWNAS_PRAGMA(HLS INLINE)
    conv_2d_cl_stream<data_T, res_T, CONFIG_T>(data, res, weights, biases);
}

// Max / average pooling with a line buffer of the last pool_height rows.
template <class data_T, class res_T, typename CONFIG_T>
void pooling2d_cl_stream(hls::stream<data_T> &data, hls::stream<res_T> &res) {
    typedef typename data_T::value_type in_t;
    in_t line[CONFIG_T::pool_height][CONFIG_T::in_width * CONFIG_T::n_chan];
    HWNAS_PRAGMA(HLS ARRAY_PARTITION variable = line complete dim = 1)
HWNAS_LOOP(RowLoop)
    for (unsigned ih = 0; ih < CONFIG_T::in_height; ih++) {
        read_line_row<CONFIG_T::pool_height, CONFIG_T>(data, line, ih);
    HWNAS_LOOP(OutRows)
        for (unsigned oh = 0; oh < CONFIG_T::out_height; oh++) {
            if (last_row<CONFIG_T::pool_height, CONFIG_T::stride_height, CONFIG_T::pad_top,
                         CONFIG_T::in_height>(oh) != int(ih)) {
                continue;
            }
        HWNAS_LOOP(OutCols)
            for (unsigned ow = 0; ow < CONFIG_T::out_width; ow++) {
                res_T o;
            HWNAS_LOOP(PoolC)
                for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
                    pool_window<in_t, typename res_T::value_type, CONFIG_T> window;
                HWNAS_LOOP(WindowH)
                    for (unsigned kh = 0; kh < CONFIG_T::pool_height; kh++) {
                    HWNAS_LOOP(WindowW)
                        for (unsigned kw = 0; kw < CONFIG_T::pool_width; kw++) {
                            const int r =
                                int(oh * CONFIG_T::stride_height + kh) - int(CONFIG_T::pad_top);
                            const int q =
                                int(ow * CONFIG_T::stride_width + kw) - int(CONFIG_T::pad_left);
                            if (r >= 0 && r < int(CONFIG_T::in_height) && q >= 0 &&
                                q < int(CONFIG_T::in_width)) {
                                window.add(line[unsigned(r) % CONFIG_T::pool_height]
                                               [unsigned(q) * CONFIG_T::n_chan + c]);
                            }
                        }
                    }
                    o[c] = window.result();
                }
                res.write(o);
            }
        }
    }
}

// 1-D pooling is 2-D pooling of height 1.
template <class data_T, class res_T, typename CONFIG_T>
void pooling1d_cl_stream(hls::stream<data_T> &data, hls::stream<res_T> &res) {
    HWNAS_PRAGMA(HLS INLINE)
    pooling2d_cl_stream<data_T, res_T, CONFIG_T>(data, res);
}

// Zero padding: zero pixels around the input pixels, in row order.
template <class data_T, class res_T, typename CONFIG_T>
void zeropad2d_cl_stream(hls::stream<data_T> &data, hls::stream<res_T> &res) {
HWNAS_LOOP(PadH)
    for (unsigned h = 0; h < CONFIG_T::out_height; h++) {
    HWNAS_LOOP(PadW)
        for (unsigned w = 0; w < CONFIG_T::out_width; w++) {
            HWNAS_PRAGMA(HLS PIPELINE)
            const bool inside = h >= CONFIG_T::pad_top &&
                                h < CONFIG_T::pad_top + CONFIG_T::in_height &&
                                w >= CONFIG_T::pad_left && w < CONFIG_T::pad_left + CONFIG_T::in_width;
            res_T o;
            if (inside) {
                const data_T px = data.read();
            HWNAS_LOOP(PadCopy)
                for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
                    o[c] = px[c];
                }
            } else {
            HWNAS_LOOP(PadZero)
                for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
                    o[c] = 0;
                }
            }
            res.write(o);
        }
    }
}

// Nearest-neighbour upsampling: one input row buffered, written height_factor times with every
// pixel repeated width_factor times.
template <class data_T, class res_T, typename CONFIG_T>
void upsampling2d_cl_stream(hls::stream<data_T> &data, hls::stream<res_T> &res) {
    data_T row[CONFIG_T::in_width];
HWNAS_LOOP(UpRows)
    for (unsigned ih = 0; ih < CONFIG_T::in_height; ih++) {
    HWNAS_LOOP(UpRead)
        for (unsigned iw = 0; iw < CONFIG_T::in_width; iw++) {
            row[iw] = data.read();
        }
    HWNAS_LOOP(UpRepeat)
        for (unsigned r = 0; r < CONFIG_T::height_factor; r++) {
        HWNAS_LOOP(UpW)
            for (unsigned w = 0; w < CONFIG_T::out_width; w++) {
                HWNAS_PRAGMA(HLS PIPELINE)
                res_T o;
            HWNAS_LOOP(UpC)
                for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
                    o[c] = row[w / CONFIG_T::width_factor][c];
                }
                res.write(o);
            }
        }
    }
}

// ReLU on every value of every pixel.
template <class data_T, class res_T, typename CONFIG_T>
void relu_stream(hls::stream<data_T> &data, hls::stream<res_T> &res) {
HWNAS_LOOP(ReluPixels)
    for (unsigned p = 0; p < CONFIG_T::n_pixels; p++) {
        HWNAS_PRAGMA(HLS PIPELINE II = CONFIG_T::reuse_factor)
        const data_T in = data.read();
        res_T o;
    HWNAS_LOOP(ReluLoop)
        for (unsigned i = 0; i < CONFIG_T::pixel_size; i++) {
            if (in[i] > 0) {
                o[i] = in[i];
            } else {
                o[i] = 0;
            }
        }
        res.write(o);
    }
}

// LeakyReLU on every value of every pixel (the product exact, as leaky_relu).
template <class data_T, class res_T, typename CONFIG_T>
void leaky_relu_stream(hls::stream<data_T> &data, hls::stream<res_T> &res,
                       const typename CONFIG_T::alpha_t alpha) {
HWNAS_LOOP(LeakyPixels)
    for (unsigned p = 0; p < CONFIG_T::n_pixels; p++) {
        HWNAS_PRAGMA(HLS PIPELINE II = CONFIG_T::reuse_factor)
        const data_T in = data.read();
        res_T o;
    HWNAS_LOOP(LeakyLoop)
        for (unsigned i = 0; i < CONFIG_T::pixel_size; i++) {
            if (in[i] >= 0) {
                o[i] = in[i];
            } else {
                o[i] = in[i] * alpha;
            }
        }
        res.write(o);
    }
}

// Standalone batch normalisation, as normalize (channel = flat index % n_chan).
template <class data_T, class res_T, typename CONFIG_T>
void normalize_stream(hls::stream<data_T> &data, hls::stream<res_T> &res,
                      const typename CONFIG_T::scale_t scale[CONFIG_T::n_chan],
                      const typename CONFIG_T::bias_t bias[CONFIG_T::n_chan]) {
    HWNAS_PRAGMA(HLS ARRAY_PARTITION variable = scale complete)
    HWNAS_PRAGMA(HLS ARRAY_PARTITION variable = bias complete)
HWNAS_LOOP(NormPixels)
    for (unsigned p = 0; p < CONFIG_T::n_pixels; p++) {
        HWNAS_PRAGMA(HLS PIPELINE II = CONFIG_T::reuse_factor)
        const data_T in = data.read();
        res_T o;
    HWNAS_LOOP(NormLoop)
        for (unsigned i = 0; i < CONFIG_T::pixel_size; i++) {
            const unsigned c = (p * CONFIG_T::pixel_size + i) % CONFIG_T::n_chan;
            o[i] = in[i] * scale[c] + bias[c];
        }
        res.write(o);
    }
}

// Flatten: the n_pixels input pixels, in order, become one pixel of the flat vector.
template <class data_T, class res_T, typename CONFIG_T>
void flatten_stream(hls::stream<data_T> &data, hls::stream<res_T> &res) {
    res_T o;
HWNAS_LOOP(FlattenPixels)
    for (unsigned p = 0; p < CONFIG_T::n_pixels; p++) {
        HWNAS_PRAGMA(HLS PIPELINE)
        const data_T in = data.read();
    HWNAS_LOOP(FlattenChan)
        for (unsigned i = 0; i < CONFIG_T::pixel_size; i++) {
            o[p * CONFIG_T::pixel_size + i] = in[i];
        }
    }
    res.write(o);
}

} // namespace hwnas

#endif
