pragma circom 2.1.5;

// A toy circuit for the ceremony pipeline test: knowledge of factors a, b of a public c.
template Toy() {
    signal input a;
    signal input b;
    signal output c;
    c <== a * b;
}

component main = Toy();
