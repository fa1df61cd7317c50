{#- hls4ml's dense_config: one multiplication of n_in inputs by n_out outputs (Dense, and the
    per-pixel product of a convolution). -#}
struct {{ cfg }} {
    static const unsigned n_in = {{ n_in }};
    static const unsigned n_out = {{ n_out }};
    static const unsigned reuse_factor = {{ reuse }};
    static const unsigned block_factor = {{ block_factor }};
    static const unsigned multiplier_limit = {{ multiplier_limit }};
    static const unsigned n_zeros = {{ n_zeros }};
    static const unsigned n_nonzeros = {{ n_nonzeros }};
    static const hwnas::strategy strategy = {{ strategy }};
    static const hwnas::io_type io_type = {{ io_type }};
    typedef {{ prefix }}_accum_t accum_t;
    typedef {{ prefix }}_weight_t weight_t;
    typedef {{ prefix }}_bias_t bias_t;
{%- if stream %}
    static const unsigned n_pixels = {{ stream.n_pixels }};
    static const unsigned pixel_size = {{ stream.pixel_size }};
{%- endif %}
};
