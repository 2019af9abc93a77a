using System.Text.Json.Nodes;
using NJsonSchema;

namespace KataArgo.Chart.Tests;

/// <summary>values.schema.json built directly as NJsonSchema's objects is the schema NJsonSchema reads from the file.</summary>
public sealed class ValuesSchemaModelTests
{
    [Fact]
    public async Task The_built_schema_is_the_one_NJsonSchema_reads_from_values_schema_json()
    {
        var read = await JsonSchema.FromJsonAsync(ValuesSchema.Build().ToJsonString());

        var built = ValuesSchemaModel.Build(ValuesSchema.Build());

        Assert.Equal(read.ToJson(), built.ToJson());
    }

    [Fact]
    public void A_keyword_it_does_not_read_is_refused()
    {
        var schema = new JsonObject { ["type"] = "object", ["patternProperties"] = new JsonObject() };

        var error = Assert.Throws<InvalidOperationException>(() => ValuesSchemaModel.Build(schema));
        Assert.Equal("values.schema.json uses 'patternProperties', which ValuesSchemaModel does not read", error.Message);
    }
}
