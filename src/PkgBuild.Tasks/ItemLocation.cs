using System.Xml;
using Microsoft.Build.Framework;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Tasks;

/// <summary>
/// Where an item was written, so an error about it points at its line in pkgbuild.proj (or the import
/// that defined it): MSBuild gives tasks the defining file but no line, so the element is found again.
/// </summary>
internal static class ItemLocation
{
    public static SourceLocation Of(ITaskItem item, string elementName)
    {
        var file = item.GetMetadata("DefiningProjectFullPath");
        if (string.IsNullOrEmpty(file) || !File.Exists(file))
        {
            return SourceLocation.None;
        }
        try
        {
            using var reader = XmlReader.Create(file, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            var lines = (IXmlLineInfo)reader;
            while (reader.Read())
            {
                if (reader.NodeType == XmlNodeType.Element && reader.LocalName == elementName
                    && reader.GetAttribute("Include") is { } include
                    && include.Split(';', StringSplitOptions.TrimEntries).Contains(item.ItemSpec, StringComparer.Ordinal))
                {
                    return new SourceLocation(file, lines.LineNumber, lines.LinePosition, 0);
                }
            }
        }
        catch (XmlException)
        {
            // The project is read by MSBuild already; an unreadable import just loses the line.
        }
        return SourceLocation.InFile(file);
    }
}
