namespace KataArgo.Lint.Tests;

public class WhenExpressionTests
{
    [Theory]
    [InlineData("{{workflow.parameters.dry-run}} == false && {{steps.select-nodes.outputs.parameters.node-count}} > 0")]
    [InlineData("'{{steps.flip.outputs.result}}' == 'heads'")]
    [InlineData("!({{a}} < 3 || {{b}} >= 2.5)")]
    [InlineData("'{{x}}' =~ '^v[0-9]+'")]
    [InlineData("{{steps.a.status}} == Succeeded")]
    [InlineData("{{a}} in (Succeeded, Skipped) || {{b}} != yes")]
    [InlineData("({{a}} + 1) * 2 > 0x10 && !{{b}}")]
    [InlineData("{{a}}")]
    public void Expressions_argo_can_evaluate_parse(string expression) => Assert.Null(WhenExpression.Check(expression));

    [Theory]
    [InlineData("{{a}} == prod-eu", "'-' needs numbers")]
    [InlineData("{{a}} == v1.2.3", "bare word 'v1.2.3' contains a dot")]
    [InlineData("{{a}} == 3.30.0", "'3.30.0' is not a number")]
    [InlineData("{{a}} == 1e3", "cannot read '1e3'")]
    [InlineData("{{a}} == hello world", "'hello' and 'world' follow each other without an operator")]
    [InlineData("Succeeded", "the result is a string, not true or false")]
    [InlineData("{{a}} == 'x", "a quoted string is not closed")]
    [InlineData("'a' && {{b}}", "'&&' needs true or false, got a string")]
    [InlineData("'a' > 1", "'>' compares two numbers or two strings")]
    [InlineData("{{a}} ==", "the expression ends too early")]
    [InlineData("({{a}} == 1", "a '(' is not closed")]
    [InlineData("{{a}} = 1", "cannot read '='")]
    [InlineData("", "the expression is empty")]
    [InlineData("{{a}} == 1 )", "unexpected ')'")]
    public void Expressions_argo_cannot_evaluate_are_explained(string expression, string expected) =>
        Assert.StartsWith(expected, WhenExpression.Check(expression));
}
