using ScottPlot;

namespace SelfCorrect.Common;

/// <summary>Saves a figure as PNG (for viewing) and SVG (for papers), each written atomically.</summary>
public static class FigureFile
{
    /// <summary>Width of a figure in pixels unless a caller asks for another.</summary>
    public const int DefaultWidth = 900;

    /// <summary>Height of a figure in pixels unless a caller asks for another.</summary>
    public const int DefaultHeight = 600;

    /// <summary>A new plot in the font every figure of the project uses (DejaVu Sans ships with most Linux systems).</summary>
    public static Plot NewPlot(string title)
    {
        var plot = new Plot();
        plot.Font.Set("DejaVu Sans");
        plot.Title(title);
        return plot;
    }

    /// <summary>Writes <c>PATH.png</c> and <c>PATH.svg</c>; returns the two paths.</summary>
    public static (string Png, string Svg) Save(Plot plot, string pathWithoutExtension, int width = DefaultWidth, int height = DefaultHeight)
    {
        string png = pathWithoutExtension + ".png", svg = pathWithoutExtension + ".svg";
        AtomicFile.Write(png, temporary => plot.SavePng(temporary, width, height));
        AtomicFile.Write(svg, temporary => plot.SaveSvg(temporary, width, height));
        return (png, svg);
    }
}
