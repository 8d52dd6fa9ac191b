using System.Globalization;
using System.Numerics;

namespace PkgBuild.Racket.Data;

/// <summary>
/// Racket's number syntax for reals: <c>#e #i #x #o #b #d</c> prefixes, signs, integers, <c>n/d</c>,
/// decimals with <c>#</c> digit placeholders, exponent markers <c>e d f s l</c>, and <c>±inf.0</c>,
/// <c>±nan.0</c> (also <c>.f</c>). Decimal flonums round correctly (via .NET's parser). Complex numbers and
/// extflonums are recognised so they are not taken for symbols, and refused.
/// </summary>
internal static class NumberParser
{
    // Exact results past this many digits are refused rather than computed (a 1e999999999 DoS).
    private const int MaxExactExponent = 100_000;

    public static NumberClass Classify(string token) => Parse(token, out _, out _);

    /// <summary>Parses <paramref name="token"/>; for <see cref="NumberClass.Invalid"/>, says why in <paramref name="error"/>.</summary>
    public static NumberClass Parse(string token, out RacketNumber? value, out string? error)
    {
        value = null;
        error = null;
        if (token.StartsWith("#%", StringComparison.Ordinal))
        {
            return NumberClass.NotANumber;
        }
        var radix = 10;
        var exactness = '\0';
        var body = token.AsSpan();
        var prefixed = false;
        var radixSeen = false;
        while (body.Length >= 2 && body[0] == '#')
        {
            prefixed = true;
            var p = char.ToLowerInvariant(body[1]);
            if ((p is 'e' or 'i') && exactness == '\0')
            {
                exactness = p;
            }
            else if ((p is 'x' or 'o' or 'b' or 'd') && !radixSeen)
            {
                radixSeen = true;
                radix = p switch { 'x' => 16, 'o' => 8, 'b' => 2, _ => 10 };
            }
            else
            {
                error = $"bad number prefix in `{token}`";
                return NumberClass.Invalid;
            }
            body = body[2..];
        }
        var result = ParseBody(body, radix, exactness, out value, out error);
        if (result == NumberClass.NotANumber && prefixed)
        {
            error = $"bad number `{token}`";
            return NumberClass.Invalid;
        }
        return result;
    }

    private static NumberClass ParseBody(ReadOnlySpan<char> body, int radix, char exactness, out RacketNumber? value, out string? error)
    {
        value = null;
        error = null;
        if (body.Length == 0)
        {
            return NumberClass.NotANumber;
        }
        if (TryParseSpecial(body, out var special, out var extfl))
        {
            if (extfl)
            {
                error = $"extflonums such as `{body.ToString()}` are not supported";
                return NumberClass.Invalid;
            }
            if (exactness == 'e')
            {
                error = $"no exact representation for `{body.ToString()}`";
                return NumberClass.Invalid;
            }
            value = new RacketFlonum(special);
            return NumberClass.Number;
        }
        var real = ParseReal(body, radix, exactness, out value, out error);
        if (real != NumberClass.NotANumber)
        {
            return real;
        }
        if (LooksComplex(body, radix))
        {
            error = $"complex numbers such as `{body.ToString()}` are not supported";
            return NumberClass.Invalid;
        }
        if (LooksExtflonum(body, radix))
        {
            error = $"extflonums such as `{body.ToString()}` are not supported";
            return NumberClass.Invalid;
        }
        return NumberClass.NotANumber;
    }

    private static bool TryParseSpecial(ReadOnlySpan<char> s, out double value, out bool extfl)
    {
        value = 0;
        extfl = false;
        if (s.Length != 6 || (s[0] != '+' && s[0] != '-') || s[4] != '.')
        {
            return false;
        }
        var word = s.Slice(1, 3).ToString().ToLowerInvariant();
        var suffix = char.ToLowerInvariant(s[5]);
        if ((word != "inf" && word != "nan") || (suffix != '0' && suffix != 'f' && suffix != 't'))
        {
            return false;
        }
        extfl = suffix == 't';
        value = word == "nan" ? double.NaN : s[0] == '+' ? double.PositiveInfinity : double.NegativeInfinity;
        return true;
    }

    /// <summary><c>a+bi</c>, <c>+i</c>, <c>a@b</c>: Racket complex syntax with real parts that parse.</summary>
    private static bool LooksComplex(ReadOnlySpan<char> s, int radix)
    {
        var at = s.IndexOf('@');
        if (at > 0)
        {
            return IsReal(s[..at], radix) && IsReal(s[(at + 1)..], radix);
        }
        if (s.Length < 2 || char.ToLowerInvariant(s[^1]) != 'i')
        {
            return false;
        }
        var withoutI = s[..^1];
        for (var i = withoutI.Length - 1; i >= 0; i--)
        {
            if ((withoutI[i] == '+' || withoutI[i] == '-') && (i == 0 || !IsExponentMarker(withoutI[i - 1], radix)))
            {
                var realPart = withoutI[..i];
                var imagPart = withoutI[i..];
                return (realPart.Length == 0 || IsReal(realPart, radix))
                    && (imagPart.Length == 1 || IsReal(imagPart, radix));
            }
        }
        return false;
    }

    private static bool LooksExtflonum(ReadOnlySpan<char> s, int radix)
    {
        var t = s.LastIndexOfAny('t', 'T');
        return radix == 10 && t > 0 && IsReal(string.Concat(s[..t], "e", s[(t + 1)..]), radix);
    }

    private static bool IsReal(ReadOnlySpan<char> s, int radix) =>
        TryParseSpecial(s, out _, out var extfl) && !extfl || ParseReal(s, radix, '\0', out _, out _) != NumberClass.NotANumber;

    private static bool IsExponentMarker(char c, int radix) =>
        char.ToLowerInvariant(c) switch
        {
            's' or 'l' => true,
            'e' or 'd' or 'f' => radix != 16,
            _ => false,
        };

    /// <summary>The digit's value in <paramref name="radix"/>, or -1 when it is not one.</summary>
    internal static int DigitValue(char c, int radix)
    {
        var v = c switch
        {
            >= '0' and <= '9' => c - '0',
            >= 'a' and <= 'f' => c - 'a' + 10,
            >= 'A' and <= 'F' => c - 'A' + 10,
            _ => 99,
        };
        return v < radix ? v : -1;
    }

    /// <summary>Digits with trailing <c>#</c> placeholders; returns the count consumed.</summary>
    private static int ScanDigits(ReadOnlySpan<char> s, int radix, bool allowHash, ref bool sawHash, ref bool placeholderOnly)
    {
        var i = 0;
        while (i < s.Length)
        {
            if (s[i] == '#' && allowHash && (i > 0 || sawHash))
            {
                sawHash = true;
                i++;
            }
            else if (!placeholderOnly && !sawHash && DigitValue(s[i], radix) >= 0)
            {
                i++;
            }
            else
            {
                break;
            }
        }
        placeholderOnly |= sawHash;
        return i;
    }

    private static NumberClass ParseReal(ReadOnlySpan<char> s, int radix, char exactness, out RacketNumber? value, out string? error)
    {
        value = null;
        error = null;
        var negative = false;
        var i = 0;
        if (s.Length > 0 && (s[0] == '+' || s[0] == '-'))
        {
            negative = s[0] == '-';
            i = 1;
        }
        var sawHash = false;
        var placeholderOnly = false;
        var intLen = ScanDigits(s[i..], radix, allowHash: true, ref sawHash, ref placeholderOnly);
        var intDigits = s.Slice(i, intLen);
        i += intLen;
        var inexact = sawHash;
        ReadOnlySpan<char> fracDigits = default;
        BigInteger? denominator = null;
        if (i < s.Length && s[i] == '/')
        {
            if (intLen == 0)
            {
                return NumberClass.NotANumber;
            }
            i++;
            var denHash = false;
            var denPlaceholder = false;
            var denLen = ScanDigits(s[i..], radix, allowHash: true, ref denHash, ref denPlaceholder);
            if (denLen == 0)
            {
                return NumberClass.NotANumber;
            }
            denominator = ToInteger(s.Slice(i, denLen), radix);
            inexact |= denHash;
            i += denLen;
        }
        else if (i < s.Length && s[i] == '.')
        {
            i++;
            var fracLen = ScanDigits(s[i..], radix, allowHash: true, ref sawHash, ref placeholderOnly);
            // A '#' may start the fraction only after integer placeholders ("1#.#").
            fracDigits = s.Slice(i, fracLen);
            i += fracLen;
            if (intLen == 0 && fracLen == 0)
            {
                return NumberClass.NotANumber;
            }
            inexact = true;
        }
        else if (intLen == 0)
        {
            return NumberClass.NotANumber;
        }
        BigInteger exponent = 0;
        if (i < s.Length && IsExponentMarker(s[i], radix))
        {
            i++;
            var expNegative = false;
            if (i < s.Length && (s[i] == '+' || s[i] == '-'))
            {
                expNegative = s[i] == '-';
                i++;
            }
            var expStart = i;
            while (i < s.Length && DigitValue(s[i], radix) >= 0)
            {
                i++;
            }
            if (i == expStart)
            {
                return NumberClass.NotANumber;
            }
            exponent = ToInteger(s[expStart..i], radix);
            if (expNegative)
            {
                exponent = -exponent;
            }
            inexact = true;
        }
        if (i != s.Length)
        {
            return NumberClass.NotANumber;
        }
        if (exactness == 'i')
        {
            inexact = true;
        }
        else if (exactness == 'e')
        {
            inexact = false;
        }

        // value = (int.frac digits) / denominator * radix^exponent
        var mantissa = ToInteger(string.Concat(intDigits, fracDigits), radix);
        var scale = exponent - fracDigits.Length;
        var numerator = negative ? -mantissa : mantissa;
        var den = denominator ?? BigInteger.One;
        if (den.IsZero)
        {
            if (!inexact)
            {
                error = $"division by zero in `{s.ToString()}`";
                return NumberClass.Invalid;
            }
            value = new RacketFlonum(numerator.IsZero ? double.NaN : negative ? double.NegativeInfinity : double.PositiveInfinity);
            return NumberClass.Number;
        }
        if (inexact)
        {
            value = new RacketFlonum(ToDouble(numerator, den, scale, radix, negative, s, denominator == null));
            return NumberClass.Number;
        }
        if (BigInteger.Abs(scale) > MaxExactExponent)
        {
            error = $"the exact number `{s.ToString()}` is too large to represent";
            return NumberClass.Invalid;
        }
        var power = BigInteger.Pow(radix, (int)BigInteger.Abs(scale));
        value = scale.Sign >= 0
            ? RacketRational.Create(numerator * power, den)
            : RacketRational.Create(numerator, den * power);
        return NumberClass.Number;
    }

    private static BigInteger ToInteger(ReadOnlySpan<char> digits, int radix)
    {
        if (radix == 10)
        {
            var buffer = digits.Length <= 256 ? stackalloc char[digits.Length] : new char[digits.Length];
            digits.CopyTo(buffer);
            buffer.Replace('#', '0');
            return buffer.Length == 0 ? BigInteger.Zero : BigInteger.Parse(buffer, NumberStyles.None, CultureInfo.InvariantCulture);
        }
        var result = BigInteger.Zero;
        foreach (var c in digits)
        {
            result = result * radix + (c == '#' ? 0 : DigitValue(c, radix));
        }
        return result;
    }

    private static double ToDouble(BigInteger numerator, BigInteger denominator, BigInteger scale, int radix, bool negative,
        ReadOnlySpan<char> text, bool isDecimal)
    {
        double result;
        if (numerator.IsZero)
        {
            result = 0;
        }
        else if (radix == 10 && isDecimal && BigInteger.Abs(scale) < 100_000)
        {
            // .NET's parser rounds correctly, overflows to infinity and underflows to zero.
            var digits = BigInteger.Abs(numerator).ToString(CultureInfo.InvariantCulture);
            result = double.Parse($"{digits}e{scale}", NumberStyles.Float, CultureInfo.InvariantCulture);
        }
        else
        {
            var magnitude = BigInteger.Abs(numerator);
            var bitEstimate = (double)(magnitude.GetBitLength() - denominator.GetBitLength()) + (double)scale * Math.Log2(radix);
            if (bitEstimate > 1100)
            {
                result = double.PositiveInfinity;
            }
            else if (bitEstimate < -1200)
            {
                result = 0;
            }
            else
            {
                var power = BigInteger.Pow(radix, (int)BigInteger.Abs(scale));
                result = scale.Sign >= 0 ? RatioToDouble(magnitude * power, denominator) : RatioToDouble(magnitude, denominator * power);
            }
        }
        return negative ? -result : result;
    }

    /// <summary>n/d (both positive) rounded to the nearest double, ties to even.</summary>
    internal static double RatioToDouble(BigInteger n, BigInteger d)
    {
        // Scale so the quotient has 55 or 56 bits: two guard bits beyond the 53 a double keeps; the
        // remainder becomes a sticky bit, so the one rounding in long-to-double is correct.
        var shift = 55 - (int)(n.GetBitLength() - d.GetBitLength());
        var q = BigInteger.DivRem(shift >= 0 ? n << shift : n, shift >= 0 ? d : d << -shift, out var remainder);
        var bits = (long)q;
        if (!remainder.IsZero)
        {
            bits |= 1;
        }
        return Math.ScaleB(bits, -shift);
    }
}
