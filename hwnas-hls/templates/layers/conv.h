{#- A convolution: its multiplication (dense.h) and its window. -#}
{% include "dense.h" %}
struct {{ conv_cfg }} {
{% include "window.h" %}
    static const unsigned n_filt = {{ n_out }};
    static const unsigned reuse_factor = {{ reuse }};
    static const hwnas::strategy strategy = {{ strategy }};
    typedef {{ cfg }} mult_config;
    typedef {{ prefix }}_accum_t accum_t;
    typedef {{ prefix }}_weight_t weight_t;
    typedef {{ prefix }}_bias_t bias_t;
};
