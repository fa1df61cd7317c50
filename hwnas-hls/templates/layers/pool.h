{#- Max or average pooling. -#}
struct {{ cfg }} {
{% include "window.h" %}
    static const unsigned reuse_factor = {{ reuse }};
    static const hwnas::pool_op pool_op = hwnas::{{ pool_op }};
    typedef {{ prefix }}_accum_t accum_t;
};
