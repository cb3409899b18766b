package io.bocomp.compress;

import java.util.List;

/**
 * Everything that removing output channels of a layer touches downstream, found by following its
 * output through channel-wise ops (activations, pooling, BatchNormalization, element-wise ops with
 * a per-channel constant, Flatten/Reshape to features) up to the next layers that read it.
 *
 * @param sideTensors per-channel constants along the way (biases of element-wise ops, BN
 *     parameters, PRelu slopes) that lose the removed channels' entries
 * @param consumers the layers reading the channels, whose input channels (or, after a flatten, input
 *     feature blocks) are removed
 * @param reshapes Reshape nodes whose shape constant names the feature count and must be rewritten
 * @param values the values whose channel dimension shrinks, the layer's output first
 * @param sideParamsPerChannel float parameters of the side tensors per channel, for the analytic
 *     cost of a plan
 */
public record ChannelPath(List<SideTensor> sideTensors, List<Consumer> consumers,
    List<String> reshapes, List<ChannelValue> values, long sideParamsPerChannel) {

  public ChannelPath {
    sideTensors = List.copyOf(sideTensors);
    consumers = List.copyOf(consumers);
    reshapes = List.copyOf(reshapes);
    values = List.copyOf(values);
  }

  /**
   * A constant input of a node on the path, sliced along {@code axis} in blocks of
   * {@code blockSize} entries per channel.
   */
  public record SideTensor(String nodeName, int inputIndex, int axis, int blockSize) {}

  /**
   * A layer that reads the channels: its weight loses input channels (conv) or input features in
   * blocks of {@code blockSize} (an FC layer after a flatten of C x H x W: blockSize = H * W).
   */
  public record Consumer(String layerName, int blockSize) {}

  /**
   * A value on the path: its dimension {@code axis} holds {@code blockSize} entries per channel
   * (1 before a flatten, H * W after one).
   */
  public record ChannelValue(String name, int axis, int blockSize) {}
}
