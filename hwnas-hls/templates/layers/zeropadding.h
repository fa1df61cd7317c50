{#- Zeros around the input (1-D as height 1). -#}
struct {{ cfg }} {
    static const unsigned in_height = {{ in_h }};
    static const unsigned in_width = {{ in_w }};
    static const unsigned n_chan = {{ chan }};
    static const unsigned pad_top = {{ top }};
    static const unsigned pad_left = {{ left }};
    static const unsigned out_height = {{ in_h + top + bottom }};
    static const unsigned out_width = {{ in_w + left + right }};
};
