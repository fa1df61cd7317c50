{#- An activation: its size, its table or slope settings and their types. -#}
struct {{ cfg }} {
    static const unsigned n_in = {{ n_in }};
    static const unsigned reuse_factor = {{ reuse }};
{%- if stream %}
    static const unsigned n_pixels = {{ stream.n_pixels }};
    static const unsigned pixel_size = {{ stream.pixel_size }};
{%- endif %}
{%- for m in members %}
    static const unsigned {{ m.name }} = {{ m.value }};
{%- endfor %}
{%- for t in types %}
    typedef {{ prefix }}_{{ t }} {{ t }};
{%- endfor %}
};
