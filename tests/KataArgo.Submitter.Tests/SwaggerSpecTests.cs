using KataArgo.Submitter.Tests.Fakes;

namespace KataArgo.Submitter.Tests;

/// <summary>The fake server's request checking is itself strict: what it lets through, a real server would accept.</summary>
public class SwaggerSpecTests
{
    private static readonly SwaggerSpec.Operation Submit = SwaggerSpec.Argo.Find("POST", "/api/v1/workflows/argo/submit")!.Operation;

    [Fact]
    public void Routes_by_the_specs_paths_most_specific_first()
    {
        Assert.Equal("WorkflowService_SubmitWorkflow", Submit.Id);
        var get = SwaggerSpec.Argo.Find("GET", "/api/v1/workflows/argo/kata-lifecycle-manager-7xk2p")!;
        Assert.Equal(("WorkflowService_GetWorkflow", "kata-lifecycle-manager-7xk2p"), (get.Operation.Id, get.PathParameters["name"]));
        Assert.Null(SwaggerSpec.Argo.Find("GET", "/api/v1/nothing/here"));
    }

    [Fact]
    public void Accepts_a_well_formed_submission() =>
        Assert.Empty(SwaggerSpec.Argo.Validate(Submit, [],
            """{"namespace":"argo","resourceKind":"WorkflowTemplate","resourceName":"kata-lifecycle-manager","submitOptions":{"entryPoint":"upgrade-all-nodes","parameters":["target-version=3.29.0"]}}"""));

    [Theory]
    [InlineData("""{"namespace":"argo","resourceKind":"WorkflowTemplate","resourceName":"x","submitOptions":{"entrypoint":"upgrade-all-nodes"}}""")]
    [InlineData("""{"namespace":"argo","resourceKind":"WorkflowTemplate","resourceName":"x","parameters":["a=b"]}""")]
    [InlineData("""{"namespace":"argo","resourceKind":"WorkflowTemplate","resourceName":"x","submitOptions":{"parameters":"target-version=3.29.0"}}""")]
    public void Refuses_unknown_fields_and_wrong_types(string body) =>
        Assert.NotEmpty(SwaggerSpec.Argo.Validate(Submit, [], body));

    [Fact]
    public void Refuses_undeclared_query_parameters()
    {
        var watch = SwaggerSpec.Argo.Find("GET", "/api/v1/workflow-events/argo")!.Operation;
        Assert.Empty(SwaggerSpec.Argo.Validate(watch, ["listOptions.fieldSelector", "listOptions.timeoutSeconds"], null));
        Assert.NotEmpty(SwaggerSpec.Argo.Validate(watch, ["fieldSelector"], null));
    }
}
