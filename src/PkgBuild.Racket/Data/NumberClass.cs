namespace PkgBuild.Racket.Data;

/// <summary>How Racket's reader treats an atom's text.</summary>
internal enum NumberClass
{
    /// <summary>Not number syntax: the reader makes it a symbol.</summary>
    NotANumber,

    /// <summary>A real number we represent.</summary>
    Number,

    /// <summary>Number syntax the reader rejects (<c>1/0</c>) or that we do not represent (complex numbers,
    /// extflonums); never a symbol, so the writer quotes symbols with such names.</summary>
    Invalid,
}
