{#- A standalone BatchNorm: y = x * scale[c] + bias[c]. -#}
struct {{ cfg }} {
    static const unsigned n_in = {{ n_in }};
    static const unsigned n_chan = {{ n_chan }};
    static const unsigned reuse_factor = {{ reuse }};
{%- if stream %}
    static const unsigned n_pixels = {{ stream.n_pixels }};
    static const unsigned pixel_size = {{ stream.pixel_size }};
{%- endif %}
    typedef {{ prefix }}_scale_t scale_t;
    typedef {{ prefix }}_bias_t bias_t;
};
