{#- Nearest-neighbour upsampling (1-D as height 1). -#}
struct {{ cfg }} {
    static const unsigned in_height = {{ in_h }};
    static const unsigned in_width = {{ in_w }};
    static const unsigned n_chan = {{ chan }};
    static const unsigned height_factor = {{ sh }};
    static const unsigned width_factor = {{ sw }};
    static const unsigned out_height = {{ in_h * sh }};
    static const unsigned out_width = {{ in_w * sw }};
};
