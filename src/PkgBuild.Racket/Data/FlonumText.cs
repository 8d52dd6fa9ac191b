using System.Globalization;
using System.Numerics;

namespace PkgBuild.Racket.Data;

/// <summary>
/// Flonums as Racket CS prints them: the shortest digits that read back to the same double, positional
/// when the decimal exponent s (as in d.ddd×10^s) is between -4 and max(13, digits+2), else
/// <c>d.ddde+s</c>; always a <c>.0</c> or a fraction so the text stays inexact.
/// </summary>
internal static class FlonumText
{
    public static string Format(double value)
    {
        if (double.IsNaN(value))
        {
            return "+nan.0";
        }
        if (double.IsInfinity(value))
        {
            return value > 0 ? "+inf.0" : "-inf.0";
        }
        if (value == 0)
        {
            return double.IsNegative(value) ? "-0.0" : "0.0";
        }
        var shortest = ShortestScientific(Math.Abs(value));
        var ePos = shortest.IndexOf('E');
        var mantissa = shortest[..ePos];
        var exponent = int.Parse(shortest[(ePos + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var digits = mantissa.Replace(".", "").TrimEnd('0');
        if (digits.Length == 0)
        {
            digits = "0";
        }
        (digits, exponent) = PreferUpperOnTie(Math.Abs(value), digits, exponent);
        var sign = value < 0 ? "-" : "";
        if (exponent >= -4 && exponent <= Math.Max(13, digits.Length + 2))
        {
            return sign + Positional(digits, exponent);
        }
        var fraction = digits.Length > 1 ? "." + digits[1..] : "";
        return $"{sign}{digits[0]}{fraction}e{(exponent < 0 ? "-" : "+")}{Math.Abs(exponent)}";
    }

    /// <summary>
    /// The shortest digits that round-trip (.NET's "R", like Chez Scheme's printer) in d.dddE±x form,
    /// from "R" output that may be positional ("0.0001") or scientific ("1E+21").
    /// </summary>
    private static string ShortestScientific(double value)
    {
        var r = value.ToString("R", CultureInfo.InvariantCulture);
        var ePos = r.IndexOf('E');
        var mantissa = ePos < 0 ? r : r[..ePos];
        var exponent = ePos < 0 ? 0 : int.Parse(r[(ePos + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var point = mantissa.IndexOf('.');
        var intPart = point < 0 ? mantissa : mantissa[..point];
        var fracPart = point < 0 ? "" : mantissa[(point + 1)..];
        var all = intPart + fracPart;
        var leadingZeros = all.Length - all.TrimStart('0').Length;
        all = all.TrimStart('0');
        // Position of the first significant digit relative to the decimal point.
        exponent += intPart.Length - 1 - leadingZeros;
        return $"{all[0]}.{(all.Length > 1 ? all[1..] : "0")}E{exponent}";
    }

    /// <summary>
    /// When the value lies exactly halfway between two shortest candidates (…207.25 between …207.2 and
    /// …207.3), Racket prints the upper one and .NET may print the lower; take the upper, as Racket does.
    /// </summary>
    private static (string Digits, int Exponent) PreferUpperOnTie(double value, string digits, int exponent)
    {
        var lastDigitPower = exponent - (digits.Length - 1);
        var d = BigInteger.Parse(digits, CultureInfo.InvariantCulture);
        if (!IsExactlyHalfwayAbove(value, d, lastDigitPower))
        {
            return (digits, exponent);
        }
        var up = (d + 1).ToString(CultureInfo.InvariantCulture);
        var upExponent = exponent + (up.Length - digits.Length);
        if (double.Parse($"{up}e{lastDigitPower}", CultureInfo.InvariantCulture) != value)
        {
            return (digits, exponent);
        }
        up = up.TrimEnd('0');
        return (up.Length == 0 ? "0" : up, upExponent);
    }

    /// <summary>Whether <paramref name="value"/> is exactly (d + 1/2) × 10^k.</summary>
    private static bool IsExactlyHalfwayAbove(double value, BigInteger d, int k)
    {
        var bits = BitConverter.DoubleToInt64Bits(value);
        var biased = (int)((bits >> 52) & 0x7FF);
        var fraction = bits & 0xFFFFFFFFFFFFFL;
        var mantissa = new BigInteger(biased == 0 ? fraction : fraction | (1L << 52));
        var binaryExponent = (biased == 0 ? 1 : biased) - 1075;
        // value = mantissa × 2^binaryExponent; compare 2 × value with (2d + 1) × 10^k, both as integers.
        var left = 2 * mantissa;
        var right = 2 * d + 1;
        if (binaryExponent >= 0)
        {
            left <<= binaryExponent;
        }
        else
        {
            right <<= -binaryExponent;
        }
        if (k >= 0)
        {
            right *= BigInteger.Pow(10, k);
        }
        else
        {
            left *= BigInteger.Pow(10, -k);
        }
        return left == right;
    }

    private static string Positional(string digits, int exponent)
    {
        if (exponent < 0)
        {
            return "0." + new string('0', -exponent - 1) + digits;
        }
        if (exponent >= digits.Length - 1)
        {
            return digits + new string('0', exponent - digits.Length + 1) + ".0";
        }
        return digits[..(exponent + 1)] + "." + digits[(exponent + 1)..];
    }
}
